{#-
    product(expr): the product of expr within a group or window frame (an aggregate; nulls
    ignored). fct_concentration_daily compounds daily returns with it: product(1 + r).

    DuckDB has a `product` aggregate, exact to floating point (a multiplication per row). Every
    other engine gets `exp(sum(ln(expr)))`, standard SQL for positive values (a compounded
    return factor 1 + r is positive: a price cannot fall below zero), equal to the product up to
    a few units in the last place. An engine with its own product gets `<adapter>__product`.
-#}
{% macro product(expr) -%}
    {{ return(adapter.dispatch('product', 'rotation')(expr)) }}
{%- endmacro %}

{% macro default__product(expr) -%}
    exp(sum(ln({{ expr }})))
{%- endmacro %}

{% macro duckdb__product(expr) -%}
    product({{ expr }})
{%- endmacro %}
