"""HTTP client for sync protocol v1: enroll, push a batch, pull a page (design §5).

It knows nothing of the local store: the caller builds batches from its outbox (keeping the
batch id it stored before the first send) and applies pages itself. Every answer is parsed
with the strict protocol parsers, so a misbehaving server is caught here. Network failures,
429 and 503 are retried with exponential backoff and full jitter (honouring Retry-After);
a retried push re-sends the same batch id, which central answers idempotently.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import requests

import desktop
from desktop.sync import errors
from desktop.sync.protocol import (
    DEFAULT_PAGE_CHANGES,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    Batch,
    BatchAnswer,
    ChangesPage,
    EnrollRequest,
    EnrollResponse,
    ProtocolError,
    dumps,
    gzip_bytes,
    loads,
    parse_batch_answer,
    parse_changes_page,
    parse_enroll_response,
)

RETRY_STATUSES = frozenset({429, 502, 503, 504})
VERSION_HEADER = "X-Eke-Version"


def _min_version(response: requests.Response) -> str:
    try:
        value = loads(response.content).get("min_version")
    except (ProtocolError, AttributeError):
        return ""
    return value if isinstance(value, str) and len(value) <= 32 else ""


def backoff_delay(attempt: int, base_s: float = 1.0, cap_s: float = 300.0,
                  rng: Callable[[], float] = random.random,
                  retry_after: str | None = None) -> float:
    """Seconds to wait before retry *attempt* (0-based): full jitter, or the server's word.

    Full jitter (a uniform draw up to the exponential bound) spreads out the many laptops
    that come back online together when the township's network returns.
    """
    if retry_after is not None and retry_after.strip().isdigit():
        return min(float(retry_after), cap_s)
    return rng() * min(cap_s, base_s * 2 ** attempt)


class CentralClient:
    """One central endpoint, as one device (token None until enrolled)."""

    def __init__(self, endpoint: str, token: str | None = None,
                 session: requests.Session | None = None, timeout_s: float = 60.0,
                 retries: int = 4, sleep: Callable[[float], None] = time.sleep,
                 rng: Callable[[], float] = random.random) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.token = token
        self.session = session or requests.Session()
        self.timeout_s = timeout_s
        self.retries = retries
        self._sleep = sleep
        self._rng = rng

    def enroll(self, code: str, device_name: str, device_id: str | None = None
               ) -> EnrollResponse:
        body = EnrollRequest(code, device_name, device_id).to_json()
        answer = parse_enroll_response(self._call("POST", "/v1/enroll", body=dumps(body)))
        self.token = answer.device_token
        return answer

    def push(self, batch: Batch) -> BatchAnswer:
        """Send *batch* (gzip); the answer is the same however often it is re-sent."""
        answer = parse_batch_answer(self._call("POST", "/v1/batches",
                                               body=dumps(batch.to_json())))
        if answer.batch_id != batch.batch_id:
            raise ProtocolError(errors.BAD_ID, "batch_id")
        return answer

    def pull(self, since: int, limit: int = DEFAULT_PAGE_CHANGES) -> ChangesPage:
        return parse_changes_page(self._call("GET", "/v1/changes",
                                             params={"since": since, "limit": limit}))

    def _call(self, method: str, path: str, body: bytes | None = None,
              params: dict[str, Any] | None = None) -> Any:
        # The program's version goes with every request: central refuses one too old (409).
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Accept-Encoding": "gzip",
                   VERSION_HEADER: desktop.__version__}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = gzip_bytes(body)
            headers.update({"Content-Type": "application/json", "Content-Encoding": "gzip"})
        for attempt in range(self.retries + 1):
            retry_after = None
            try:
                response = self.session.request(method, self.endpoint + path, data=data,
                                                params=params, headers=headers,
                                                timeout=self.timeout_s)
            except requests.RequestException:
                response = None
            if response is not None and response.status_code not in RETRY_STATUSES:
                return self._answer(response)
            if response is not None:
                retry_after = response.headers.get("Retry-After")
            if attempt < self.retries:
                self._sleep(backoff_delay(attempt, rng=self._rng, retry_after=retry_after))
        raise errors.SyncOfflineError(path)

    @staticmethod
    def _answer(response: requests.Response) -> Any:
        status = response.status_code
        if status == 200:
            return loads(response.content)
        try:
            code = str(loads(response.content).get("error", ""))
        except (ProtocolError, AttributeError):
            code = ""
        detail = f"{status} {code}".strip()
        if status == 401:
            raise errors.SyncUnauthorizedError(detail, server_code=code)
        if status == 403:
            raise errors.SyncForbiddenError(detail, server_code=code)
        if status == 409 and code == errors.VERSION:
            raise errors.SyncVersionError(detail, server_code=code)
        if status == 409 and code == errors.CLIENT_TOO_OLD:
            raise errors.SyncClientTooOldError(detail, server_code=code,
                                               min_version=_min_version(response))
        raise errors.SyncRejectedError(detail, status=status, server_code=code)
