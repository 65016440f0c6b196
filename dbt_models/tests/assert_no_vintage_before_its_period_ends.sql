{#-
    No vintage is known before the period its value describes has ended: that would be a value
    used before it existed (a look-ahead in every mart that reads it). A monthly value is known
    from the first of the next month at the earliest, a daily rate or spread from the next day
    (published the next business day), the Fed's target from its own (effective) day. Returns
    the offending vintages; an error stops the models that read int_macro_vintages.
-#}

with vintages as (

    select * from {{ ref('int_macro_vintages') }}

)

select
    series_id,
    observation_date,
    known_from_date,
    known_from_kind,
    value
from vintages
where
    (
        frequency = 'monthly'
        and known_from_date < cast({{ dbt.dateadd('month', 1, 'observation_date') }} as date)
    )
    or (frequency = 'daily' and release = 'fomc' and known_from_date < observation_date)
    or (frequency = 'daily' and release <> 'fomc' and known_from_date <= observation_date)
