"""How the reference server writes its resources as JSON: jobs, saved searches, prospects.

The faults that bend a representation (a field missing, the wrong type, another job's
savedSearchId) are switched here, next to the fields they bend.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from prospecting_conformance.reference import seed
from prospecting_conformance.reference.faults import ActiveFaults
from prospecting_conformance.reference.http.start_body import SOURCE
from prospecting_conformance.reference.jobs import JobView
from prospecting_conformance.reference.seed import Prospect
from prospecting_conformance.reference.store import Store

__all__ = ["Representations", "prospect_json"]

OFF_TARGET_ORIGIN = "http://jobs.internal.invalid"


class Representations:
    """Resource JSON for one server; it remembers each group's latest job for the blindspot
    faults that show another job's fields."""

    def __init__(self, store: Store, faults: ActiveFaults) -> None:
        self.faults = faults
        # Per account group: the latest job started, and its saved search.
        self.latest_job: dict[str, tuple[str, str]] = {}
        # The saved-search lists never change: render their items once.
        self.items: dict[str, list[dict[str, Any]]] = {
            group: self._saved_search_items(store, group) for group in seed.ACCOUNT_GROUPS
        }

    def job_started(self, group: str, job_id: str, saved_search_id: str) -> None:
        self.latest_job[group] = (job_id, saved_search_id)

    def job_json(self, view: JobView) -> dict[str, Any]:
        faults = self.faults
        status: str = view.status
        result = None if view.prospect_count is None else {"prospectCount": view.prospect_count}
        error = view.error
        created: str | float = _rfc3339(view.created_at.isoformat(timespec="milliseconds"))
        updated: str | float = _rfc3339(view.updated_at.isoformat(timespec="milliseconds"))
        saved_search_id = view.saved_search_id
        if status == "completed" and "completed_without_result" in faults:
            result = None
        if status == "failed" and "failed_without_error" in faults:
            error = None
        if status == "completed" and "job_status_unknown_value" in faults:
            status = "done"
        if "timestamps_epoch_numbers" in faults:
            created, updated = view.created_at.timestamp(), view.updated_at.timestamp()
        if "job_records_wrong_saved_search" in faults:
            saved_search_id = view.id
        if "created_at_follows_updated_at" in faults:
            created = updated
        return {
            "id": view.id,
            "status": status,
            "source": SOURCE,
            "savedSearchId": saved_search_id,
            "createdAt": created,
            "updatedAt": updated,
            "progress": {"processed": view.processed, "total": view.total},
            "result": result,
            "error": error,
        }

    def polled_json(self, view: JobView) -> dict[str, Any]:
        """The job as get and cancel show it (a shared builder fault bends its saved search)."""
        data = self.job_json(view)
        latest = self.latest_job.get(view.account_group_id)
        if "saved_search_from_shared_builder" in self.faults and latest is not None:
            data["savedSearchId"] = latest[1]
        return data

    def location(self, group: str, job_id: str) -> str:
        """The 202's Location: the job's own path, unless a blindspot fault points it away."""
        if "location_names_previous_job" in self.faults and group in self.latest_job:
            job_id = self.latest_job[group][0]
        path = f"/v1/accounts/{quote(group, safe='')}/prospecting/{job_id}"
        if "location_off_target" in self.faults:
            return f"{OFF_TARGET_ORIGIN}{path}"
        return path

    def _saved_search_items(self, store: Store, group: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for number, saved in enumerate(store.saved_searches(group), start=1001):
            item: dict[str, Any] = {"id": saved.id, "name": saved.name}
            if "saved_search_id_integer" in self.faults:
                item["id"] = number
            if "saved_search_name_missing" in self.faults:
                del item["name"]
            items.append(item)
        return items


def prospect_json(prospect: Prospect) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": prospect.id,
        "providerId": prospect.provider_id,
        "fullName": prospect.full_name,
        "profileUrl": prospect.profile_url,
        "sourceJobId": prospect.source_job_id,
    }
    # headline is optional, not nullable: leave it out when unknown.
    if prospect.headline is not None:
        data["headline"] = prospect.headline
    return data


def _rfc3339(isoformat: str) -> str:
    return isoformat.replace("+00:00", "Z")
