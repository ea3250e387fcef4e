"""Drives a schema registry with Confluent's Python client (python3-confluent-kafka from Debian).

Usage: python3 confluent_python_client.py <registry-url>
Prints one line per check and "ok <n> checks"; exits 1 at the first check that fails.
"""
import json
import sys

import requests

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

client = SchemaRegistryClient({"url": sys.argv[1]})
checks = 0


def check(what, ok):
    global checks
    if not ok:
        print("FAILED: " + what)
        sys.exit(1)
    checks += 1
    print("ok: " + what)


def error_code(call):
    try:
        call()
    except SchemaRegistryError as e:
        return e.error_code
    return None


def avro(fields):
    return Schema(json.dumps({"type": "record", "name": "Order", "fields": fields}), "AVRO")


v1 = avro([{"name": "id", "type": "long"}])
v2 = avro([{"name": "id", "type": "long"},
           {"name": "note", "type": ["null", "string"], "default": None}])
broken = avro([{"name": "id", "type": "string"}])
subject = "py-orders-value"

id1 = client.register_schema(subject, v1)
id2 = client.register_schema(subject, v2)
check("register returns the same id for the same schema", client.register_schema(subject, v1) == id1)
check("two versions", client.get_versions(subject) == [1, 2])
check("latest is version 2", client.get_latest_version(subject).version == 2)
check("version 1 holds id " + str(id1), client.get_version(subject, 1).schema_id == id1)
check("schema by id", "note" in client.get_schema(id2).schema_str)
check("lookup finds version 2", client.lookup_schema(subject, v2).version == 2)
check("compatible with latest", client.test_compatibility(subject, v2) is True)
check("a type change is not compatible", client.test_compatibility(subject, broken) is False)
check("registering it is refused (409)", error_code(lambda: client.register_schema(subject, broken)) == 409)
check("version 0 is not a version (42202)", error_code(lambda: client.get_version(subject, 0)) == 42202)
check("unknown subject (40401)", error_code(lambda: client.get_versions("nobody-value")) == 40401)
check("compatibility against a numbered version of an unknown subject (40401)",
      error_code(lambda: client.test_compatibility("nobody-value", v1, version=1)) == 40401)

check("delete_version soft-deletes version 2", client.delete_version(subject, 2) == 2)
check("one version left", client.get_versions(subject) == [1])
check("a second soft delete of it (40406)", error_code(lambda: client.delete_version(subject, 2)) == 40406)
# the REST call itself: a permanent delete of a live subject is refused, as Confluent's is
raw = requests.delete(sys.argv[1] + "/subjects/" + subject + "?permanent=true")
check("permanent delete of a live subject is refused (40405)",
      raw.status_code == 404 and raw.json()["error_code"] == 40405)
# the client's permanent delete: soft, then permanent
check("delete_subject(permanent=True) deletes the live version", client.delete_subject(subject, permanent=True) == [1])
check("gone (40401)", error_code(lambda: client.get_versions(subject)) == 40401)
check("not even among the deleted",
      subject not in requests.get(sys.argv[1] + "/subjects?deleted=true").json())

other = "py-soft-value"
client.register_schema(other, v1)
check("soft delete of a subject", client.delete_subject(other) == [1])
check("no longer listed", other not in client.get_subjects())
check("a second soft delete (40404)", error_code(lambda: client.delete_subject(other)) == 40404)

client.set_compatibility(subject_name="py-config-value", level="FULL")
check("a subject's level", client.get_compatibility("py-config-value") == "FULL")
print("ok %d checks" % checks)
