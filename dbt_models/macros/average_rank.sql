{#-
    average_rank(expr, partition_by): the rank of expr within its partition, ascending, ties
    sharing the mean of the positions they take (1, 2.5, 2.5, 4): the ranks a Spearman
    correlation is the Pearson correlation of. The mean of a tie's first position, rank(), and
    its last, the count of rows up to and including its peers (a range frame): both over one
    window, so one sort. Standard SQL windows: every engine.
-#}
{% macro average_rank(expr, partition_by) -%}
    (
        rank() over (partition by {{ partition_by }} order by {{ expr }})
        + count(*) over (
            partition by {{ partition_by }} order by {{ expr }}
            range between unbounded preceding and current row
        )
    ) / {{ dbt.cast('2', type_double()) }}
{%- endmacro %}

{#-
    rank_correlation(x_rank, y_rank): Pearson's correlation of two rank columns (an aggregate),
    which is Spearman's when they are average_rank()s; null, not NaN, when either side is
    constant (engines differ there).
-#}
{% macro rank_correlation(x_rank, y_rank) -%}
    case
        when var_pop({{ x_rank }}) > 0 and var_pop({{ y_rank }}) > 0
            then corr({{ x_rank }}, {{ y_rank }})
    end
{%- endmacro %}

{#-
    signal_ranks(relation, keys): the rows of relation (a scorecard outcome per row: keys,
    signal_value, fwd_spread_bps) with their average ranks within keys: value_rank, the
    signal's, by counting its few distinct values (-1 / 0 / +1: a group by and a join are
    cheaper than sorting every row; the running count through the value less (ties - 1) / 2),
    and fwd_rank, the forward spread's, by average_rank(). What a Spearman correlation by keys
    is computed from (rpt_scorecard_ic, rpt_scorecard_ic_rolling).
-#}
{% macro signal_ranks(relation, keys) -%}
    {%- set grain = keys | join(', ') -%}
    select
        {% for key in keys -%}
            {{ relation }}.{{ key }},
        {% endfor %}
        value_ranks.value_rank,
        {{ average_rank(
            relation ~ '.fwd_spread_bps', relation ~ '.' ~ keys | join(', ' ~ relation ~ '.')
        ) }} as fwd_rank
    from {{ relation }}
    inner join (
        select
            {{ grain }},
            signal_value,
            sum(count(*)) over (
                partition by {{ grain }} order by signal_value
                rows between unbounded preceding and current row
            ) - (count(*) - 1) / {{ dbt.cast('2', type_double()) }} as value_rank
        from {{ relation }}
        group by {{ grain }}, signal_value
    ) as value_ranks
        on
            {% for key in keys + ['signal_value'] -%}
                value_ranks.{{ key }} = {{ relation }}.{{ key }}{% if not loop.last %} and{% endif %}
            {% endfor %}
{%- endmacro %}

{#-
    by_period(relation): relation's rows twice, once with period 'all' (the whole history)
    and once with period its decade (rpt_scorecard_backtest, rpt_scorecard_ic).
-#}
{% macro by_period(relation) -%}
    select
        *,
        'all' as period
    from {{ relation }}
    union all
    select
        *,
        decade as period
    from {{ relation }}
{%- endmacro %}
