"""Where files are kept, behind one interface: a folder (GROWBASE_FILES, default
data/files; shared by every machine when there are several), a file per key in a
subfolder of its first two characters; or an S3-compatible store
(GROWBASE_FILES=s3://bucket/prefix?endpoint=https://..., the credentials AWS_ACCESS_KEY_ID
and AWS_SECRET_ACCESS_KEY as boto3 reads them). Keys are random: a file is found only
through a record that names it."""

import os
import re
import secrets
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..config import current

KEY = re.compile(r"^[0-9a-f]{32}$")


def checked(key):
    if not KEY.match(key or ""):
        raise KeyError(key)
    return key


class Folder:
    def __init__(self, path):
        self.path = Path(path)

    def at(self, key):
        return self.path / key[:2] / checked(key)

    def put(self, key, data):
        target = self.at(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_suffix(".part")
        part.write_bytes(data)
        os.replace(part, target)  # written whole, then named: never half a file

    def read(self, key):
        return self.at(key).read_bytes()

    def exists(self, key):
        return self.at(key).is_file()

    def keys(self):
        return [p.name for p in sorted(self.path.glob("??/*")) if KEY.match(p.name)] \
            if self.path.exists() else []


class Bucket:
    """An S3-compatible store through boto3 (AWS S3, MinIO, Yandex Object Storage ...)."""

    def __init__(self, url):
        import boto3  # only an installation that keeps its files there needs it
        parts = urlsplit(url)
        self.bucket, self.prefix = parts.hostname, parts.path.strip("/")
        endpoint = parse_qs(parts.query).get("endpoint", [None])[0]
        self.client = boto3.client("s3", endpoint_url=endpoint)

    def name(self, key):
        return f"{self.prefix}/{checked(key)}" if self.prefix else checked(key)

    def put(self, key, data):
        self.client.put_object(Bucket=self.bucket, Key=self.name(key), Body=data)

    def read(self, key):
        return self.client.get_object(Bucket=self.bucket, Key=self.name(key))["Body"].read()

    def exists(self, key):
        from botocore.exceptions import ClientError
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.name(key))
            return True
        except ClientError:
            return False

    def keys(self):
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else "")
        return sorted(k for page in pages for k in (o["Key"].rsplit("/", 1)[-1]
                                                    for o in page.get("Contents", []))
                      if KEY.match(k))


_stores, _lock = {}, threading.Lock()


def store_for(where):
    """The store `where` names (a folder, or s3://...), made once per process."""
    where = str(where)
    with _lock:
        if where not in _stores:
            _stores[where] = Bucket(where) if where.startswith("s3://") else Folder(where)
        return _stores[where]


def store():
    """The store the entry point's settings name."""
    return store_for(current().files_dir)


def put(data):
    """Keep the bytes; return their new key."""
    key = secrets.token_hex(16)
    store().put(key, data)
    return key


def read(key):
    return store().read(checked(key))


def exists(key):
    try:
        return store().exists(checked(key))
    except KeyError:
        return False
