"""Errors that carry their HTTP status, rendered as JSON for the API."""

from __future__ import annotations

from flask import Flask, jsonify, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ingest.store import IndexNotBuilt


class ApiError(Exception):
    """An error with the status and message the client gets."""

    status = 500
    retry_after: int | None = None  # seconds, sent as Retry-After

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class BadRequest(ApiError):
    status = 400


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class ServiceUnavailable(ApiError):
    status = 503


class Overloaded(ServiceUnavailable):
    """Every place in the generation queue is taken: come back in `retry_after` seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(ApiError):
    """Too many requests from one address or session: come back in `retry_after` seconds."""

    status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


def register_error_handlers(app: Flask) -> None:
    """JSON errors under /api/, with the status each error carries."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        return jsonify(error=exc.message), exc.status, headers

    @app.errorhandler(SQLAlchemyError)
    def _log_unavailable(exc: SQLAlchemyError):
        app.logger.exception("conversation log unavailable")
        message = "the conversation log is unavailable right now; try again in a minute"
        if request.path.startswith("/api/"):
            return jsonify(error=message), 503, {"Retry-After": "60"}
        return message, 503, {"Retry-After": "60"}

    @app.errorhandler(IndexNotBuilt)
    def _index_not_built(exc: IndexNotBuilt):
        return jsonify(error=str(exc)), 503

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            return jsonify(error=exc.description or exc.name), exc.code
        return exc
