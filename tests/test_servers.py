"""The servers the tests start: on loopback, answering, stopped by their PID."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from dynomodel.testing import MotoServer, MotoServerError


def test_the_moto_server_serves_kms_and_s3_on_loopback_and_stops(tmp_path: Path) -> None:
    server = MotoServer(tmp_path / "moto.log")
    endpoint = server.start()
    assert endpoint.startswith("http://127.0.0.1:")
    process = server._process
    assert process is not None
    try:
        options = {
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "aws_access_key_id": "x",
            "aws_secret_access_key": "x",
        }
        kms = boto3.client("kms", **options)
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        data_key = kms.generate_data_key(KeyId=key, KeySpec="AES_256")
        assert len(data_key["Plaintext"]) == 32
        s3 = boto3.client("s3", **options)
        s3.create_bucket(Bucket="dynomodel-test")
        s3.put_object(Bucket="dynomodel-test", Key="k", Body=b"v")
        assert s3.get_object(Bucket="dynomodel-test", Key="k")["Body"].read() == b"v"
    finally:
        server.stop()
    assert process.returncode is not None
    with pytest.raises(MotoServerError, match="not running"):
        _ = server.endpoint
