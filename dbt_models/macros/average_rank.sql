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
    discrete_average_ranks(relation, partition_by, expr): one row per partition and distinct
    value of expr, with the average rank average_rank() gives each of its rows (the rows
    before the value, plus the mean of the positions its ties take: the running count through
    the value less (ties - 1) / 2). For a column of few distinct values, such as a signal's
    -1 / 0 / +1, a group by and a join are cheaper than ranking every row.
-#}
{% macro discrete_average_ranks(relation, partition_by, expr) -%}
    select
        {{ partition_by }},
        {{ expr }},
        sum(count(*)) over (
            partition by {{ partition_by }} order by {{ expr }}
            rows between unbounded preceding and current row
        ) - (count(*) - 1) / {{ dbt.cast('2', type_double()) }} as average_rank
    from {{ relation }}
    group by {{ partition_by }}, {{ expr }}
{%- endmacro %}
