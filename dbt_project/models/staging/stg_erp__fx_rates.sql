-- One row per currency and rate date: reporting-currency units per unit of `currency`, valid from `rate_date` until the next rate.
-- Typed, trimmed and deduplicated by extraction; contract columns only (no lineage).
select
    currency,
    rate_date,
    rate_to_reporting
from {{ source('raw', 'fx_rates') }}
