{#- Key-account rules of metrics.md "Key accounts", one row per customer:
    tenure, 3P qualification, the types, is_key_account, key_account_type,
    key_account_review and the key-account score with its three parts. -#}
{%- set d = as_of_date() -%}
{%- set year_start = days_up_to_start(365, d) -%}

with customers as (

    select
        customer_id,
        is_deleted,
        annual_budget,
        first_order_date,
        lapse_status,
        abc_revenue,
        abc_margin,
        revenue_12m,
        gross_margin_12m,
        coalesce(kam_designated, false) as is_designated,
        coalesce(is_image_maker, false) as image_maker_flag,
        coalesce(is_expert, false) as expert_flag
    from {{ ref('int_customer_metrics') }}

),

failures as (

    select
        customer_id,
        failures_90d
    from {{ ref('int_customer_failures') }}

),

-- need: an opportunity now open or won, created (UTC date) in the 365 days up to D
open_or_won_opportunities as (

    select distinct account_id as customer_id
    from {{ ref('stg_crm__opportunities') }}
    where
        stage in ('open', 'won')
        and cast(created_at as date) between {{ year_start }} and {{ d }}

),

-- authority: at least one decision-maker contact (master data, taken as extracted)
decision_makers as (

    select distinct account_id as customer_id
    from {{ ref('stg_crm__contacts') }}
    where is_decision_maker

),

survey_scores as (

    select
        account_id as customer_id,
        avg(cast(score as {{ type_double() }})) as mean_survey_score
    from {{ ref('stg_crm__surveys') }}
    where cast(responded_at as date) between {{ year_start }} and {{ d }}
    group by account_id

),

-- the inputs of the types and the score: tenure, 3P, recent failures, mean survey score
key_account_inputs as (

    select
        customers.*,
        case
            when customers.first_order_date is not null then cast(
                12 * (extract(year from {{ d }}) - extract(year from customers.first_order_date))
                + extract(month from {{ d }}) - extract(month from customers.first_order_date)
                - case when extract(day from {{ d }}) < extract(day from customers.first_order_date) then 1 else 0 end
                as integer
            )
        end as tenure_months,
        (
            open_or_won_opportunities.customer_id is not null
            and coalesce(customers.annual_budget >= {{ var('prospect_min_budget') }}, false)
            and decision_makers.customer_id is not null
        ) as three_p_qualified,
        coalesce(failures.failures_90d, 0) as failures_90d,
        survey_scores.mean_survey_score
    from customers
    left join open_or_won_opportunities on open_or_won_opportunities.customer_id = customers.customer_id
    left join decision_makers on decision_makers.customer_id = customers.customer_id
    left join failures on failures.customer_id = customers.customer_id
    left join survey_scores on survey_scores.customer_id = customers.customer_id

),

types as (

    select
        key_account_inputs.*,
        coalesce(abc_margin = 'A' and tenure_months >= 12, false) as is_breadwinner,
        ((tenure_months is null or tenure_months < 12) and three_p_qualified) as is_prospect,
        (coalesce(abc_revenue = 'A', false) or coalesce(abc_margin = 'A', false)) as is_top_customer
    from key_account_inputs

),

key_accounts as (

    select
        types.*,
        (
            not is_deleted
            and lapse_status <> 'lost'
            and (is_top_customer or is_designated or is_prospect or image_maker_flag or expert_flag)
        ) as is_key_account
    from types

),

-- pr(x): percent_rank() ascending over the customers that are not deleted, nulls as 0
ranks as (

    select
        customer_id,
        percent_rank() over (order by coalesce(revenue_12m, 0)) as pr_revenue,
        percent_rank() over (order by coalesce(gross_margin_12m, 0)) as pr_margin,
        percent_rank() over (order by coalesce(tenure_months, 0)) as pr_tenure,
        percent_rank() over (order by coalesce(failures_90d, 0)) as pr_failures
    from key_accounts
    where not is_deleted

),

parts as (

    select
        key_accounts.*,
        coalesce((key_accounts.mean_survey_score - 1) / 4, 0.5) as satisfaction,
        ranks.pr_revenue,
        ranks.pr_margin,
        ranks.pr_tenure,
        ranks.pr_failures
    from key_accounts
    left join ranks on ranks.customer_id = key_accounts.customer_id

),

scored as (

    select
        parts.*,
        case when not is_deleted then (pr_revenue + pr_margin) / 2 end as potential,
        case when not is_deleted then (pr_tenure + satisfaction + 1 - pr_failures) / 3 end as relationship,
        case when not is_deleted then cast(
            case when image_maker_flag then 1 else 0 end
            + case when expert_flag then 1 else 0 end
            + case when three_p_qualified then 1 else 0 end
            as {{ type_double() }}
        ) / 3 end as attractiveness
    from parts

)

select
    customer_id,
    tenure_months,
    three_p_qualified,
    is_breadwinner,
    is_prospect,
    is_key_account,
    case
        when not is_key_account then null
        when is_breadwinner then 'breadwinner'
        when is_prospect then 'prospect'
        when image_maker_flag then 'image_maker'
        when expert_flag then 'expert'
        when is_top_customer then 'top_customer'
        when is_designated then 'designated'
    end as key_account_type,
    case
        when is_designated and lapse_status = 'lost' then 'lost_key_account'
        when
            is_designated
            and coalesce(abc_revenue, 'C') = 'C'
            and coalesce(abc_margin, 'C') = 'C'
            and not (is_prospect or image_maker_flag or expert_flag) then 'downgrade_candidate'
        when not is_designated and (is_breadwinner or coalesce(abc_revenue = 'A', false)) then 'upgrade_candidate'
        else 'ok'
    end as key_account_review,
    cast(satisfaction as {{ type_double() }}) as satisfaction,
    cast(potential as {{ type_double() }}) as potential,
    cast(relationship as {{ type_double() }}) as relationship,
    cast(attractiveness as {{ type_double() }}) as attractiveness,
    -- in double precision, then half away from zero on that double (score >= 0):
    -- floor(10 x + 0.5) / 10, the same on DuckDB and PostgreSQL (no round(double, n) there)
    floor(10 * score_unrounded + 0.5) / 10 as key_account_score
from (
    select
        scored.*,
        cast(100 * (
            {{ var('w_potential') }} * potential
            + {{ var('w_relationship') }} * relationship
            + {{ var('w_attractiveness') }} * attractiveness
        ) as {{ type_double() }}) as score_unrounded
    from scored
) as with_score
