{#-
    code_version(var_names): an md5 of this project's code as dbt runs it now: every model's and
    seed's file checksum, every macro of the project, and the values of the named vars. An
    incremental model stores it on its rows and rebuilds whole when it differs (see
    int_fund_members_daily): rows kept from an earlier build must have been computed by the same
    code. Any change to the project's models, seeds or macros changes it, so such a model is
    rebuilt once after every change of the code, related or not: coarse, but never stale.
    Only known while dbt executes (the graph is empty while it parses): '' then.
-#}
{% macro code_version(var_names) -%}
    {%- set parts = [] -%}
    {%- if execute -%}
        {%- for node in graph.get('nodes', {}).values() | sort(attribute='unique_id') -%}
            {%- if node.resource_type in ['model', 'seed'] -%}
                {%- do parts.append(node.unique_id ~ ':' ~ node.checksum.checksum) -%}
            {%- endif -%}
        {%- endfor -%}
        {#- dbt's graph has no macros: the context holds each one, as a callable with its source -#}
        {%- for name in context.keys() | sort -%}
            {%- set macro = context[name].macro if context[name].macro is defined else none -%}
            {%- if macro is not none and macro.package_name == project_name -%}
                {%- do parts.append(name ~ ':' ~ local_md5(macro.macro_sql)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for name in var_names -%}
            {%- do parts.append(name ~ '=' ~ var(name)) -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(local_md5(parts | join('|')) if parts else '') -}}
{%- endmacro %}
