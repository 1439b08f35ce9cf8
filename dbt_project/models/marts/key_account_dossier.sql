{#- One page per key account: profile, relationship history (first and last
    order, lifetime and 12-month revenue, opportunities won/lost with lost
    reasons and competitors), decision makers, activities and cases of the last
    365 days, survey scores. Counts only: no contact's personal data.
    Orders count when dated <= D (macro customer_months_as_of). -#}
{%- set d = as_of_date() -%}
{%- set year_start = days_up_to_start(365, d) -%}

with key_accounts as (

    select
        metrics.customer_id,
        metrics.customer_name,
        metrics.account_manager,
        metrics.industry,
        metrics.region,
        metrics.country,
        metrics.annual_budget,
        metrics.as_of_date,
        metrics.first_order_date,
        metrics.last_order_date,
        metrics.revenue_12m,
        metrics.abc_revenue,
        metrics.abc_margin,
        metrics.xyz_class,
        metrics.lapse_status,
        flags.key_account_type,
        flags.key_account_review,
        flags.key_account_score,
        flags.tenure_months
    from {{ ref('int_customer_metrics') }} as metrics
    inner join {{ ref('int_customer_key_accounts') }} as flags
        on flags.customer_id = metrics.customer_id
    where flags.is_key_account

),

lifetime_revenue as (

    -- counted orders dated <= D and their revenue (exact decimals), from the compact customer months
    select
        customer_id,
        sum(revenue_eur) as lifetime_revenue,
        sum(counted_orders) as counted_orders
    from ({{ customer_months_as_of() }}) as months
    group by customer_id

),

opportunities as (

    select
        account_id as customer_id,
        stage,
        amount,
        lost_reason,
        competitor
    from {{ ref('stg_crm__opportunities') }}
    where cast(created_at as date) <= {{ d }}

),

opportunity_counts as (

    select
        customer_id,
        sum(case when stage = 'won' then 1 else 0 end) as opportunities_won,
        sum(case when stage = 'lost' then 1 else 0 end) as opportunities_lost,
        sum(case when stage = 'open' then 1 else 0 end) as opportunities_open,
        sum(case when stage = 'won' then coalesce(amount, 0) else 0 end) as won_amount,
        sum(case when stage = 'lost' then coalesce(amount, 0) else 0 end) as lost_amount
    from opportunities
    group by customer_id

),

lost_reasons as (

    select
        customer_id,
        {{ dbt.listagg('lost_reason', "'; '", 'order by ' ~ key_order('lost_reason')) }} as lost_reasons
    from
        (select distinct
            customer_id,
            lost_reason
        from opportunities
        where stage = 'lost' and lost_reason is not null) as reasons
    group by customer_id

),

competitors as (

    select
        customer_id,
        {{ dbt.listagg('competitor', "'; '", 'order by ' ~ key_order('competitor')) }} as competitors
    from (select distinct
        customer_id,
        competitor
    from opportunities
    where competitor is not null) as named
    group by customer_id

),

decision_makers as (

    select
        account_id as customer_id,
        count(*) as decision_makers
    from {{ ref('stg_crm__contacts') }}
    where is_decision_maker
    group by account_id

),

activities as (

    select
        account_id as customer_id,
        count(*) as activities_365d,
        max(cast(occurred_at as date)) as last_activity_date
    from {{ ref('stg_crm__activities') }}
    where cast(occurred_at as date) between {{ year_start }} and {{ d }}
    group by account_id

),

cases as (

    select
        account_id as customer_id,
        count(*) as cases_365d
    from {{ ref('stg_crm__cases') }}
    where cast(opened_at as date) between {{ year_start }} and {{ d }}
    group by account_id

),

surveys as (

    select
        account_id as customer_id,
        count(*) as surveys,
        avg(cast(score as {{ type_double() }})) as mean_survey_score,
        sum(case when cast(responded_at as date) >= {{ year_start }} then 1 else 0 end) as surveys_365d,
        avg(case when cast(responded_at as date) >= {{ year_start }} then cast(score as {{ type_double() }}) end)
            as mean_survey_score_365d
    from {{ ref('stg_crm__surveys') }}
    where cast(responded_at as date) <= {{ d }}
    group by account_id

)

select
    key_accounts.customer_id,
    key_accounts.customer_name,
    key_accounts.account_manager,
    key_accounts.industry,
    key_accounts.region,
    key_accounts.country,
    {{ cents('key_accounts.annual_budget') }} as annual_budget,
    key_accounts.as_of_date,
    key_accounts.key_account_type,
    key_accounts.key_account_review,
    key_accounts.key_account_score,
    key_accounts.abc_revenue,
    key_accounts.abc_margin,
    key_accounts.xyz_class,
    key_accounts.lapse_status,
    key_accounts.tenure_months,
    key_accounts.first_order_date,
    key_accounts.last_order_date,
    cast(coalesce(lifetime_revenue.counted_orders, 0) as integer) as counted_orders,
    {{ cents('coalesce(lifetime_revenue.lifetime_revenue, 0)') }} as lifetime_revenue,
    {{ cents('key_accounts.revenue_12m') }} as revenue_12m,
    cast(coalesce(opportunity_counts.opportunities_won, 0) as integer) as opportunities_won,
    cast(coalesce(opportunity_counts.opportunities_lost, 0) as integer) as opportunities_lost,
    cast(coalesce(opportunity_counts.opportunities_open, 0) as integer) as opportunities_open,
    {{ cents('coalesce(opportunity_counts.won_amount, 0)') }} as won_amount,
    {{ cents('coalesce(opportunity_counts.lost_amount, 0)') }} as lost_amount,
    lost_reasons.lost_reasons,
    competitors.competitors,
    cast(coalesce(decision_makers.decision_makers, 0) as integer) as decision_makers,
    cast(coalesce(activities.activities_365d, 0) as integer) as activities_365d,
    activities.last_activity_date,
    cast(coalesce(cases.cases_365d, 0) as integer) as cases_365d,
    cast(coalesce(surveys.surveys, 0) as integer) as surveys,
    surveys.mean_survey_score,
    cast(coalesce(surveys.surveys_365d, 0) as integer) as surveys_365d,
    surveys.mean_survey_score_365d
from key_accounts
left join lifetime_revenue on lifetime_revenue.customer_id = key_accounts.customer_id
left join opportunity_counts on opportunity_counts.customer_id = key_accounts.customer_id
left join lost_reasons on lost_reasons.customer_id = key_accounts.customer_id
left join competitors on competitors.customer_id = key_accounts.customer_id
left join decision_makers on decision_makers.customer_id = key_accounts.customer_id
left join activities on activities.customer_id = key_accounts.customer_id
left join cases on cases.customer_id = key_accounts.customer_id
left join surveys on surveys.customer_id = key_accounts.customer_id
