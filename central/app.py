"""The HTTP routes of the reference central server (design §5, §6).

Every request is checked in the same order: protocol version (409), the program's version
(409 client_too_old, when `serve --min-client-version` is set), device token (401), the
device's push rate (429 with Retry-After), body size before any parsing (413), gzip, strict
JSON (400), the protocol schema (400/413), then area scope (403) inside the storage
transaction. Bodies are parsed by
desktop.sync.protocol rather than by pydantic, so the client and central share one
validator; the OpenAPI document still describes every route and its body.

Logs carry ids, counts and statuses only: never field values, names or tokens.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request, Security
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware

from central import auth
from central.batches import apply_batch, read_page, server_hlc
from central.bundles import import_bundle
from central.errors import CentralError, ClientTooOld, TooManyRequests
from central.keys import KeyFile
from central.limits import VERSION_HEADER, Limits, TokenBucket, check_client_version
from central.openapi import BATCH_BODY, BUNDLE_BODY, ENROLL_BODY
from central.storage import Device, Storage
from desktop.sync import errors as e
from desktop.sync.bundle import MAX_BUNDLE_BYTES
from desktop.sync.errors import ProtocolError
from desktop.sync.protocol import (
    DEFAULT_PAGE_CHANGES,
    MAX_BATCH_BYTES,
    MAX_PAGE_BYTES,
    MAX_PAGE_CHANGES,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    EnrollResponse,
    check_version,
    dumps,
    gunzip_bytes,
    loads,
    parse_batch,
    parse_cursor,
    parse_enroll_request,
)

log = logging.getLogger("eke.central")
MAX_ENROLL_BYTES = 16 * 1024
_bearer = HTTPBearer(auto_error=False)  # declared for the OpenAPI document; checked by hand
_Credentials = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]


def now_ms() -> int:
    return int(time.time() * 1000)


def _status(exc: ProtocolError) -> int:
    return {e.TOO_LARGE: 413, e.VERSION: 409}.get(exc.code, 400)


def _json(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(value), status, {PROTOCOL_HEADER: str(PROTOCOL_VERSION),
                                           **(headers or {})}, media_type="application/json")


def _check_header(request: Request, limits: Limits) -> None:
    version = request.headers.get(PROTOCOL_HEADER)
    if version is not None:
        check_version(version, PROTOCOL_HEADER)
    check_client_version(request.headers.get(VERSION_HEADER), limits.min_client_version)


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it passes *limit* bytes, gunzipped if sent so.

    Content-Length is trusted only to refuse early; the stream itself is counted too.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ProtocolError(e.TOO_LARGE)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ProtocolError(e.TOO_LARGE)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "gzip":
        return gunzip_bytes(bytes(body), limit)
    if encoding != "identity":
        raise ProtocolError(e.BAD_ENCODING, "Content-Encoding")
    return bytes(body)


def create_app(storage: Storage, keys: KeyFile, clock_ms: Callable[[], int] = now_ms,
               limits: Limits | None = None) -> FastAPI:
    """The central app over *storage*, sealing bundle keys with *keys*; *clock_ms* is the wall
    clock (tests may pass their own)."""
    app = FastAPI(title="Eke central", version=str(PROTOCOL_VERSION),
                  description="Reference sync server for Eke, sync protocol v1.")
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    limits = limits or Limits()
    pushes = TokenBucket(limits.push_rate_per_s, limits.push_burst)

    @app.middleware("http")
    async def log_requests(request: Request,
                           call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        device = getattr(request.state, "device_id", "-")
        log.info("%s %s device=%s status=%d", request.method, request.url.path, device,
                 response.status_code)
        return response

    @app.exception_handler(ProtocolError)
    async def protocol_error(_: Request, exc: ProtocolError) -> Response:
        return _json({"error": exc.code, "path": exc.path}, _status(exc))

    @app.exception_handler(CentralError)
    async def central_error(_: Request, exc: CentralError) -> Response:
        headers: dict[str, str] = {}
        body: dict[str, Any] = {"error": exc.code}
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(exc, TooManyRequests):
            headers["Retry-After"] = str(exc.retry_after_s)
            body["retry_after_s"] = exc.retry_after_s
        if exc.status == 503:
            headers["Retry-After"] = "5"
        if isinstance(exc, ClientTooOld):
            body["min_version"] = exc.min_version
        return _json(body, exc.status, headers)

    @app.exception_handler(sqlite3.OperationalError)
    async def busy(_: Request, exc: sqlite3.OperationalError) -> Response:
        # The database is locked by a long batch: ask the client to come back shortly.
        log.warning("storage busy: %s", type(exc).__name__)
        return _json({"error": "central.busy"}, 503, {"Retry-After": "5"})

    async def device_of(request: Request) -> Device:
        device = await run_in_threadpool(auth.authenticate, storage,
                                         request.headers.get("authorization"))
        request.state.device_id = device.id
        return device

    @app.get("/v1/health")
    async def health() -> Response:
        return _json({"status": "ok", "protocol": PROTOCOL_VERSION})

    @app.post("/v1/enroll", openapi_extra=ENROLL_BODY)
    async def enroll(request: Request) -> Response:
        """Join with a one-time code; answers the device id, its token (once) and areas."""
        _check_header(request, limits)
        req = parse_enroll_request(loads(await _read_body(request, MAX_ENROLL_BYTES)))
        device, token = await run_in_threadpool(auth.enroll, storage, req, keys)
        request.state.device_id = device.id
        log.info("enrolled device=%s areas=%d", device.id, len(device.areas))
        hlc_now = await run_in_threadpool(server_hlc, storage, clock_ms())
        return _json(EnrollResponse(device.id, token, device.areas, hlc_now).to_json())

    @app.post("/v1/batches", openapi_extra=BATCH_BODY)
    async def batches(request: Request,
                      _: _Credentials = None) -> Response:
        """Apply a batch of changes whole or not at all; a retried batch id gets the same answer."""
        _check_header(request, limits)
        device = await device_of(request)
        pushes.check(device.id)
        batch = parse_batch(loads(await _read_body(request, MAX_BATCH_BYTES)))
        answer = await run_in_threadpool(apply_batch, storage, device, batch, clock_ms())
        log.info("batch %s device=%s changes=%d conflicts=%d clamped=%d cursor=%d",
                 batch.batch_id, device.id, len(batch.changes), len(answer.conflicts),
                 len(answer.clamped), answer.cursor)
        return _json(answer.to_json())

    @app.get("/v1/changes")
    async def changes(request: Request, since: Annotated[str | None, Query()] = None,
                      limit: Annotated[str | None, Query()] = None,
                      _: _Credentials = None) -> Response:
        """Others' changes in the device's areas after the cursor `since`, oldest first."""
        _check_header(request, limits)
        device = await device_of(request)
        cursor = parse_cursor(since)
        size = DEFAULT_PAGE_CHANGES
        if limit is not None:
            size = int(limit) if limit.isdigit() and len(limit) <= 6 else 0
            if not 1 <= size <= MAX_PAGE_CHANGES:
                raise ProtocolError(e.BAD_CURSOR, "limit")
        page = await run_in_threadpool(read_page, storage, device, cursor, size, MAX_PAGE_BYTES,
                                       clock_ms)
        log.info("pull device=%s since=%d changes=%d more=%s", device.id, cursor,
                 len(page.changes), page.more)
        return _json(page.to_json())

    @app.post("/v1/bundles", openapi_extra=BUNDLE_BODY)
    async def bundles(request: Request) -> Response:
        """Import an offline bundle (the raw file as the body): its batches are applied as if
        pushed. No bearer token: the bundle is authenticated by its device's bundle key. The
        answer holds counts only."""
        _check_header(request, limits)
        body = await _read_body(request, MAX_BUNDLE_BYTES)
        result = await run_in_threadpool(import_bundle, storage, keys, body, clock_ms(),
                                         limits.min_client_version, pushes)
        request.state.device_id = result.device_id
        log.info("bundle device=%s batches=%d changes=%d conflicts=%d", result.device_id,
                 result.batches, result.changes, result.conflicts)
        return _json(result.to_json())

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> Response:
        log.error("unexpected %s", type(exc).__name__)  # no message: it may quote data
        return JSONResponse({"error": "central.error"}, 500)

    return app
