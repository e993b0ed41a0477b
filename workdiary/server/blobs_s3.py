"""Screenshot blobs in an S3-compatible object store (AWS S3, SeaweedFS, MinIO, ...) via boto3.

Keys are ``<prefix><sha[:2]>/<sha>``. Puts are idempotent (content-addressed: a blob already
there is not sent again). botocore's "standard" retry mode retries 5xx answers, throttling and
connection failures with exponential backoff and jitter. Failures the operator must fix (no
such bucket, refused credentials, unreachable endpoint) become :class:`BlobStoreUnavailable`
with a sentence that names the cause. boto3 clients are thread-safe; one serves all requests.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

from workdiary.server.blobs import CHUNK_BYTES, SHA256_RE, BlobStoreUnavailable, check_sha256

MISSING_BUCKET = {"NoSuchBucket"}
BAD_CREDENTIALS = {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
                   "InvalidClientTokenId", "AuthorizationHeaderMalformed", "403"}
NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


def client_from_env(environ: Mapping[str, str], *, max_attempts: int = 5,
                    connect_timeout: float = 5.0, read_timeout: float = 30.0) -> Any:
    """An S3 client from the standard AWS_* variables (endpoint, keys, region)."""
    endpoint = environ.get("AWS_ENDPOINT_URL_S3") or environ.get("AWS_ENDPOINT_URL") or None
    config = Config(
        retries={"max_attempts": max_attempts, "mode": "standard"},
        connect_timeout=connect_timeout, read_timeout=read_timeout,
        # Self-hosted stores (SeaweedFS, MinIO) answer on one host name: path-style URLs.
        s3={"addressing_style": "path" if endpoint else "auto"},
    )
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint,
        region_name=environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1",
        aws_access_key_id=environ.get("AWS_ACCESS_KEY_ID") or None,
        aws_secret_access_key=environ.get("AWS_SECRET_ACCESS_KEY") or None,
        aws_session_token=environ.get("AWS_SESSION_TOKEN") or None,
        config=config,
    )


class S3BlobStore:
    """A :class:`~workdiary.server.blobs.BlobStore` in one bucket under one key prefix."""

    def __init__(self, client: Any, bucket: str, prefix: str = "", *,
                 probe_client: Any | None = None) -> None:
        self.client = client
        # Readiness probes fail fast (one attempt) instead of waiting out the retries.
        self.probe_client = probe_client or client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    @classmethod
    def from_url(cls, url: str, *, environ: Mapping[str, str]) -> S3BlobStore:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"{url!r}: an S3 blob URL is s3://BUCKET/PREFIX.")
        return cls(client_from_env(environ), parts.netloc, parts.path,
                   probe_client=client_from_env(environ, max_attempts=1, connect_timeout=2,
                                                read_timeout=5))

    def key(self, sha256: str) -> str:
        return f"{self.prefix}{sha256[:2]}/{check_sha256(sha256)}"

    def describe(self) -> str:
        endpoint = self.client.meta.endpoint_url
        return f"s3://{self.bucket}/{self.prefix} at {endpoint}"

    def _unavailable(self, exc: Exception) -> BlobStoreUnavailable:
        where = self.describe()
        if isinstance(exc, ClientError):
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in MISSING_BUCKET:
                return BlobStoreUnavailable(f"the bucket {self.bucket!r} does not exist at "
                                            f"{where}: create it or fix WORKDIARY_BLOB_URL.")
            if code in BAD_CREDENTIALS:
                return BlobStoreUnavailable(
                    f"the object store at {where} refused the credentials ({code}): check "
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
            return BlobStoreUnavailable(f"the object store at {where} answered {code}: "
                                        f"{exc.response.get('Error', {}).get('Message', '')}")
        if isinstance(exc, EndpointConnectionError):
            return BlobStoreUnavailable(f"the object store at {where} cannot be reached: "
                                        "check AWS_ENDPOINT_URL and the network.")
        return BlobStoreUnavailable(f"the object store at {where} failed: {exc}")

    def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, method)(Bucket=self.bucket, **kwargs)
        except (ClientError, BotoCoreError) as exc:
            raise self._unavailable(exc) from exc

    def _absent(self, exc: ClientError) -> bool:
        # A missing key; a missing bucket says NoSuchBucket (except on HEAD, see check()).
        return str(exc.response.get("Error", {}).get("Code", "")) in NOT_FOUND

    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as exc:
            if self._absent(exc):
                return False
            raise self._unavailable(exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(exc) from exc
        return True

    def put(self, sha256: str, data: bytes) -> None:
        if self.exists(sha256):
            return
        self._call("put_object", Key=self.key(sha256), Body=data,
                   ContentType="application/octet-stream")

    def _get_object(self, sha256: str) -> Any | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as exc:
            if self._absent(exc):
                return None
            raise self._unavailable(exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(exc) from exc

    def get(self, sha256: str) -> bytes | None:
        answer = self._get_object(sha256)
        if answer is None:
            return None
        with answer["Body"] as body:
            data: bytes = body.read()
        return data

    def stream(self, sha256: str) -> Iterator[bytes] | None:
        answer = self._get_object(sha256)
        if answer is None:
            return None
        body = answer["Body"]

        def chunks() -> Iterator[bytes]:
            with body:
                yield from body.iter_chunks(CHUNK_BYTES)

        return chunks()

    def delete(self, sha256: str) -> None:
        self._call("delete_object", Key=self.key(sha256))

    def hashes(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    name = str(item["Key"]).rsplit("/", 1)[-1]
                    if SHA256_RE.match(name):
                        yield name
        except (ClientError, BotoCoreError) as exc:
            raise self._unavailable(exc) from exc

    def check(self) -> None:
        """The bucket exists and these credentials may list it."""
        try:
            self.probe_client.head_bucket(Bucket=self.bucket)
            self.probe_client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=1)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in NOT_FOUND:  # HEAD on a missing bucket has no body: just "404"
                raise BlobStoreUnavailable(
                    f"the bucket {self.bucket!r} does not exist at {self.describe()}: create "
                    "it or fix WORKDIARY_BLOB_URL.") from exc
            raise self._unavailable(exc) from exc
        except BotoCoreError as exc:
            raise self._unavailable(exc) from exc
