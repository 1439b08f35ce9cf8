-- One row per currency and rate date: reporting-currency units per unit of `currency`, valid from `rate_date` until the next rate.
-- Typed, trimmed and deduplicated by extraction (a backfill: the version of D, macro raw_as_of); contract columns, plus `_load_seq` (raw lineage: greater = loaded later)
-- so incremental models can pick the rows loaded since their last build.
select
    currency,
    rate_date,
    rate_to_reporting,
    _load_seq
from {{ raw_as_of('erp', 'fx_rates', ['currency', 'rate_date'], versioned_by='load_seq') }} as raw_rows
