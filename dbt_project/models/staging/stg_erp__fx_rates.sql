-- One row per currency and rate date: reporting-currency units per unit of `currency`, valid from `rate_date` until the next rate.
-- Typed, trimmed and deduplicated by extraction; contract columns, plus `_load_seq` (raw lineage: greater = loaded later)
-- so incremental models can pick the rows loaded since their last build.
select
    currency,
    rate_date,
    rate_to_reporting,
    _load_seq
from {{ source('raw', 'fx_rates') }}
