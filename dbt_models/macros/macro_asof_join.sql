{#-
    macro_asof_join(spine, spine_date, events, event_date, event_columns, partition_by=[])

    A point-in-time ("as of") left join, emitted as one SELECT that can be the body of a CTE:
    every row of `spine`, with `event_columns` of the LATEST row of `events` whose
    `event_date` is on or before the spine row's `spine_date` (in the same `partition_by`
    group); the event columns are null when no such event exists.

        as_of as (
            {{ macro_asof_join('spine', 'trading_date', 'observations', 'usable_from_date',
                               ['observation_date', 'value'], ['series_id']) }}
        )

    Contract: `spine` and `events` are relation names (CTEs); `event_date` is unique within
    each partition of `events` (otherwise "the latest" is ambiguous); the spine's columns and
    `event_columns` do not share names (the partition columns come from the spine).

    - `duckdb__`: DuckDB's ASOF LEFT JOIN (the inequality `spine_date >= event_date` picks the
      nearest event at or before).
    - `default__`: standard SQL for engines without ASOF: spine dates and event dates are
      stacked, a running `max(event_date)` (events sort before spine rows on the same date, so
      an event dated on the spine date counts) carries the latest event date onto every spine
      date, and the event's columns are joined back on that date. Linear after a sort; no
      QUALIFY, no IGNORE NULLS, no correlated subquery.
-#}
{% macro macro_asof_join(spine, spine_date, events, event_date, event_columns, partition_by=[]) -%}
    {{ return(adapter.dispatch('macro_asof_join', 'rotation')(
        spine, spine_date, events, event_date, event_columns, partition_by
    )) }}
{%- endmacro %}


{% macro duckdb__macro_asof_join(spine, spine_date, events, event_date, event_columns, partition_by=[]) -%}
    select
        asof_spine.*
        {%- for column in event_columns %},
        asof_events.{{ column }}
        {%- endfor %}
    from {{ spine }} as asof_spine
    asof left join {{ events }} as asof_events
        on
            {% for column in partition_by -%}
                asof_spine.{{ column }} = asof_events.{{ column }} and
            {% endfor -%}
            asof_spine.{{ spine_date }} >= asof_events.{{ event_date }}
{%- endmacro %}


{% macro default__macro_asof_join(spine, spine_date, events, event_date, event_columns, partition_by=[]) -%}
    {%- set partition_csv = partition_by | join(', ') -%}
    {%- set partition_prefix = (partition_csv ~ ', ') if partition_by else '' -%}
    select
        asof_spine.*
        {%- for column in event_columns %},
        asof_events.{{ column }}
        {%- endfor %}
    from {{ spine }} as asof_spine
    left join (
        -- the latest event date on or before each distinct spine date
        select
            {{ partition_prefix }}asof_date,
            asof_matched_date
        from (
            select
                {{ partition_prefix }}asof_date,
                asof_is_spine,
                max(asof_event_date) over (
                    {% if partition_by %}partition by {{ partition_csv }}{% endif %}
                    order by asof_date, asof_is_spine
                    rows between unbounded preceding and current row
                ) as asof_matched_date
            from (
                select distinct
                    {{ partition_prefix }}{{ spine_date }} as asof_date,
                    1 as asof_is_spine,
                    cast(null as date) as asof_event_date
                from {{ spine }}
                union all
                select
                    {{ partition_prefix }}{{ event_date }} as asof_date,
                    0 as asof_is_spine,
                    {{ event_date }} as asof_event_date
                from {{ events }}
            ) as asof_stacked
        ) as asof_carried
        where asof_is_spine = 1
    ) as asof_matches
        on
            {% for column in partition_by -%}
                asof_matches.{{ column }} = asof_spine.{{ column }} and
            {% endfor -%}
            asof_matches.asof_date = asof_spine.{{ spine_date }}
    left join {{ events }} as asof_events
        on
            {% for column in partition_by -%}
                asof_events.{{ column }} = asof_spine.{{ column }} and
            {% endfor -%}
            asof_events.{{ event_date }} = asof_matches.asof_matched_date
{%- endmacro %}
