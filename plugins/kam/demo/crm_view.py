"""The CRM exports as of a date D: accounts, contacts, activities, opportunities, cases, surveys.

Accounts created by D whose customer was still buying at some point of the
three-year history (or never bought); their contacts; CRM events logged by the
end of D and dated in the history. Rows are in their final state as of D (an
opportunity closed after D is still open). On top, as real exports have:
re-sent older versions, a handful of contract-breaking rows, untidy spellings.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from kam.demo import formats
from kam.demo.customers import NO_ACCOUNT
from kam.demo.erp_view import BAD_ROW_SHARE, order_ids
from kam.demo.hashing import capped, every_nth, unit_hash
from kam.demo.timeline import MINUTES_PER_DAY, day_number, end_of_day, history_start
from kam.demo.world import World


def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill((np.asarray(numbers) + 1).astype(str), width)).astype(object)


def _broken(rows: pd.DataFrame, numbers: np.ndarray, salt: int, column: str, values: list) -> pd.DataFrame:
    """Copies of a few rows with one value that breaks the contract."""
    chosen = capped(every_nth(numbers, 701, salt), BAD_ROW_SHARE)
    bad = rows[chosen].copy()
    bad[column] = [values[i % len(values)] for i in range(len(bad))]
    return bad


class CrmView:
    """The CRM of the world as exported at the end of D."""

    def __init__(self, world: World, as_of: date):
        self.world = world
        self.end = end_of_day(day_number(as_of))
        first_day = day_number(history_start(as_of))
        self.history_start = first_day * MINUTES_PER_DAY
        c = world.customers
        self.account_in_drop = (
            c.has_account.to_numpy() & (c.created_min.to_numpy() <= self.end) & (c.stop_day.to_numpy() >= first_day)
        )
        self.account_ids = c.account_id.to_numpy()

    def _ts(self, minutes: np.ndarray, numbers: np.ndarray, salt: int) -> np.ndarray:
        return formats.timestamps(minutes, unit_hash(numbers, salt))

    def accounts(self) -> pd.DataFrame:
        c = self.world.customers
        number = np.flatnonzero(self.account_in_drop)
        v = c.iloc[number]
        end = self.end
        changed = v.changed_min.to_numpy() <= end
        deleted = v.deleted_min.to_numpy() <= end
        updated = np.where(deleted, v.deleted_min, np.where(changed, v.changed_min, v.created_min))
        h = unit_hash(number, 31)
        budget = v.budget.to_numpy()
        employees = v.employees.to_numpy()
        rows = pd.DataFrame(
            {
                "account_id": v.account_id.to_numpy(),
                "name": v.name.to_numpy(),
                "industry": v.industry.to_numpy(),
                "region": v.region.to_numpy().astype(object),
                "country": v.country.to_numpy().astype(object),
                "employees": formats.with_nulls(
                    np.nan_to_num(employees).astype(np.int64).astype(str), np.isnan(employees)
                ),
                "annual_budget": formats.with_nulls(formats.cents_text(np.nan_to_num(budget) * 100), np.isnan(budget)),
                "account_manager": np.where(changed, v.manager, v.previous_manager),
                "kam_designated": formats.booleans(v.kam_designated, unit_hash(number, 32)),
                "is_image_maker": formats.booleans(v.is_image_maker, unit_hash(number, 33)),
                "is_expert": formats.booleans(v.is_expert, unit_hash(number, 34)),
                "created_at": self._ts(v.created_min, number, 35),
                "updated_at": self._ts(updated, number, 36),
                "is_deleted": formats.with_nulls(
                    formats.booleans(deleted, unit_hash(number, 39)), ~deleted & (h < 0.6)
                ),
                "website": [
                    "https://www." + "-".join(n.split(" ")[:2]).lower() + "." + s
                    for n, s in zip(v.name.to_numpy(), v.domain_suffix.to_numpy())
                ],
            }
        )
        order = np.argsort(v.created_min.to_numpy(), kind="stable")
        rows = rows.iloc[order].reset_index(drop=True)
        number, changed, deleted = number[order], changed[order], deleted[order]
        resent = changed & ~deleted & (unit_hash(number, 37) < 0.03)
        old = rows[resent].copy()
        old["account_manager"] = v.previous_manager.to_numpy()[order][resent]
        old["updated_at"] = self._ts(v.created_min.to_numpy()[order][resent], number[resent], 38)
        return pd.concat([rows, old], ignore_index=True)

    def contacts(self) -> pd.DataFrame:
        k = self.world.contacts
        number = np.flatnonzero(self.account_in_drop[k.customer.to_numpy()] & (k.created_ts.to_numpy() <= self.end))
        v = k.iloc[number]
        changed = v.changed_ts.to_numpy() <= self.end
        rows = pd.DataFrame(
            {
                "contact_id": _ids("K", number, 6),
                "account_id": self.account_ids[v.customer.to_numpy()],
                "full_name": v.full_name.to_numpy(),
                "email": v.email.to_numpy(),
                "phone": v.phone.to_numpy(),
                "job_title": v.job_title.to_numpy(),
                "is_decision_maker": formats.booleans(v.is_decision_maker, unit_hash(number, 41)),
                "updated_at": self._ts(np.where(changed, v.changed_ts, v.created_ts), number, 42),
            }
        )
        resent = changed & (unit_hash(number, 43) < 0.02)
        old = rows[resent].copy()
        old["updated_at"] = self._ts(v.created_ts.to_numpy()[resent], number[resent], 44)
        bad = _broken(rows, number, 123, "is_decision_maker", ["maybe", "unknown"])
        return pd.concat([rows, old, bad], ignore_index=True)

    def activities(self) -> pd.DataFrame:
        a = self.world.activities
        number = np.flatnonzero(
            self.account_in_drop[a.customer.to_numpy()]
            & (a.logged_ts.to_numpy() <= self.end)
            & (a.occurred_ts.to_numpy() >= self.history_start)
        )
        v = a.iloc[number]
        rows = pd.DataFrame(
            {
                "activity_id": _ids("A", number, 7),
                "account_id": self.account_ids[v.customer.to_numpy()],
                "activity_type": formats.untidy(v.activity_type.to_numpy(), unit_hash(number, 51)),
                "occurred_at": self._ts(v.occurred_ts, number, 52),
                "owner": v.owner.to_numpy(),
                "updated_at": self._ts(v.logged_ts, number, 53),
            }
        )
        return pd.concat([rows, _broken(rows, number, 350, "activity_type", ["sms", "fax"])], ignore_index=True)

    def opportunities(self) -> pd.DataFrame:
        o = self.world.opportunities
        number = np.flatnonzero(
            self.account_in_drop[o.customer.to_numpy()]
            & (o.logged_ts.to_numpy() <= self.end)
            & (o.created_ts.to_numpy() >= self.history_start - 365 * MINUTES_PER_DAY)
        )
        v = o.iloc[number]
        closed = v.close_ts.to_numpy() <= self.end
        stage = np.where(closed, v.final_stage, "open")
        amount = v.amount_cents.to_numpy()
        rows = pd.DataFrame(
            {
                "opportunity_id": _ids("OP", number, 6),
                "account_id": self.account_ids[v.customer.to_numpy()],
                "created_at": self._ts(v.created_ts, number, 61),
                "closed_at": formats.with_nulls(self._ts(np.where(closed, v.close_ts, 0), number, 62), ~closed),
                "stage": formats.untidy(stage, unit_hash(number, 63)),
                "amount": formats.with_nulls(np.maximum(amount, 0) / 100, amount < 0),
                "lost_reason": np.where(stage == "lost", v.lost_reason, None),
                "competitor": v.competitor.to_numpy(),
                "updated_at": self._ts(np.where(closed, v.close_ts, v.logged_ts), number, 64),
            }
        )
        return pd.concat([rows, _broken(rows, number, 500, "amount", ["n/a"])], ignore_index=True)

    def cases(self) -> pd.DataFrame:
        c = self.world.cases
        customer = c.customer.to_numpy()
        known = self.account_in_drop | (self.world.customers.role.to_numpy() == NO_ACCOUNT)
        number = np.flatnonzero(
            known[customer] & (c.logged_ts.to_numpy() <= self.end) & (c.opened_ts.to_numpy() >= self.history_start)
        )
        v = c.iloc[number]
        closed = v.closed_ts.to_numpy() <= self.end
        order = v.order.to_numpy()
        rows = pd.DataFrame(
            {
                "case_id": _ids("CS", number, 6),
                "account_id": self.account_ids[v.customer.to_numpy()],
                "order_id": formats.with_nulls(order_ids(np.maximum(order, 0)), order < 0),
                "opened_at": self._ts(v.opened_ts, number, 71),
                "closed_at": formats.with_nulls(self._ts(np.where(closed, v.closed_ts, 0), number, 72), ~closed),
                "category": formats.untidy(v.category.to_numpy(), unit_hash(number, 73)),
                "severity": formats.untidy(v.severity.to_numpy(), unit_hash(number, 74)),
                "updated_at": self._ts(np.where(closed, v.closed_ts, v.logged_ts), number, 75),
            }
        )
        resent = closed & (unit_hash(number, 76) < 0.03)
        old = rows[resent].copy()
        old["closed_at"] = None
        old["updated_at"] = self._ts(v.logged_ts.to_numpy()[resent], number[resent], 77)
        bad = _broken(rows, number, 600, "severity", ["critical"])
        return pd.concat([rows, old, bad], ignore_index=True)

    def surveys(self) -> pd.DataFrame:
        s = self.world.surveys
        number = np.flatnonzero(
            self.account_in_drop[s.customer.to_numpy()]
            & (s.logged_ts.to_numpy() <= self.end)
            & (s.responded_ts.to_numpy() >= self.history_start)
        )
        v = s.iloc[number]
        rows = pd.DataFrame(
            {
                "survey_id": _ids("SV", number, 6),
                "account_id": self.account_ids[v.customer.to_numpy()],
                "responded_at": self._ts(v.responded_ts, number, 81),
                "score": v.score.to_numpy().astype(object),
                "updated_at": self._ts(v.logged_ts, number, 82),
            }
        )
        return pd.concat([rows, _broken(rows, number, 650, "score", [6, 0])], ignore_index=True)


def crm_tables(world: World, as_of: date) -> dict[str, pd.DataFrame]:
    """The six CRM exports as of D, columns in file order (extras included)."""
    view = CrmView(world, as_of)
    return {
        name: getattr(view, name)()
        for name in ("accounts", "contacts", "activities", "opportunities", "cases", "surveys")
    }
