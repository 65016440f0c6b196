{#-
    spread_bps_columns(small_col, large_col, periods, partition_by, order_by)

    Emits one column per N in `periods`:

        (R_small(N) - R_large(N)) * 10000 as spread_<N>d_bps
        where R(N) = price_t / price N rows earlier - 1

    N counts rows of the window (trading days common to both legs of a pair), so the spread
    is null until N earlier rows exist. Each R(N) is a direct ratio of two prices, never a
    compounded product of daily returns. Standard SQL `lag(x, N)`: portable as written.
    Columns are comma-separated with no trailing comma.
-#}
{% macro spread_bps_columns(small_col, large_col, periods, partition_by, order_by) -%}
    {%- for n in periods %}
        (
            ({{ small_col }} / lag({{ small_col }}, {{ n }}) over (partition by {{ partition_by }} order by {{ order_by }}) - 1)
            - ({{ large_col }} / lag({{ large_col }}, {{ n }}) over (partition by {{ partition_by }} order by {{ order_by }}) - 1)
        ) * 10000 as spread_{{ n }}d_bps{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#-
    forward_spread_bps(small_col, large_col, horizon, partition_by, order_by)

    The spread from today's close to `horizon` rows later (an expression, unnamed):

        ((small_{t+H} / small_t - 1) - (large_{t+H} / large_t - 1)) * 10000

    Null for the last H rows of the window. Standard SQL `lead(x, H)`: portable as written.
-#}
{% macro forward_spread_bps(small_col, large_col, horizon, partition_by, order_by) -%}
    (
        (lead({{ small_col }}, {{ horizon }}) over (partition by {{ partition_by }} order by {{ order_by }}) / {{ small_col }} - 1)
        - (lead({{ large_col }}, {{ horizon }}) over (partition by {{ partition_by }} order by {{ order_by }}) / {{ large_col }} - 1)
    ) * 10000
{%- endmacro %}
