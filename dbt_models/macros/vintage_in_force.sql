{#-
    vintage_in_force(vintages, day): a join condition, true for the row of `vintages` (an alias
    of int_macro_vintages) that is in force on `day`: published on or before it and not yet
    superseded by the next vintage of the same observation. Standard SQL, every engine.
-#}
{% macro vintage_in_force(vintages, day) -%}
    {{ vintages }}.known_from_date <= {{ day }}
    and ({{ vintages }}.superseded_date > {{ day }} or {{ vintages }}.superseded_date is null)
{%- endmacro %}
