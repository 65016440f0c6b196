{#-
    product(expr, over=none): the product of expr within a group, or within the window `over`
    (its text: `partition by ... order by ... rows between ...`); nulls ignored.
    fct_concentration_daily compounds daily returns with it: product(1 + r).

    DuckDB has a `product` aggregate, exact to floating point (a multiplication per row). Every
    other engine gets `exp(sum(ln(expr)))`, standard SQL for positive values (a compounded
    return factor 1 + r is positive: a price cannot fall below zero), equal to the product up to
    a few units in the last place. The window goes on the sum, inside exp: hence the argument.
    An engine with its own product gets `<adapter>__product`.
-#}
{% macro product(expr, over=none) -%}
    {{ return(adapter.dispatch('product', 'rotation')(expr, over)) }}
{%- endmacro %}

{% macro default__product(expr, over) -%}
    exp(sum(ln({{ expr }})){{ _over(over) }})
{%- endmacro %}

{% macro duckdb__product(expr, over) -%}
    product({{ expr }}){{ _over(over) }}
{%- endmacro %}

{% macro _over(window) -%}
    {%- if window %} over ({{ window | trim }}){% endif -%}
{%- endmacro %}
