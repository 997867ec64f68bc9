"""CollectionSpec <-> Milvus schema and index parameters.

The spec is not stored on the side: it is read back from the collection's own schema and index, so
a collection created by another process (or by an older release) describes itself.
"""

from __future__ import annotations

from typing import Any

from pymilvus import DataType, Function, FunctionType, MilvusClient
from pymilvus.milvus_client.index import IndexParams
from pymilvus.orm.schema import CollectionSchema

from domain.common.vectors import (
    ID_FIELD,
    MAX_ID_BYTES,
    TEXT_FIELD,
    CollectionSpec,
    FieldType,
    Metric,
    ScalarField,
)

VECTOR_FIELD = "vector"
SPARSE_FIELD = "sparse"
BM25_FUNCTION = "text_bm25"
NUM_PARTITIONS = 16
# HNSW everywhere: the same index on milvus-lite (faiss) and Milvus, so recall does not change with
# the deployment. efConstruction 200 trades a slower build for better recall at search time.
HNSW_BUILD = {"M": 16, "efConstruction": 200}
HNSW_MIN_EF = 64

_TO_MILVUS = {
    FieldType.STRING: DataType.VARCHAR,
    FieldType.INT: DataType.INT64,
    FieldType.FLOAT: DataType.DOUBLE,
    FieldType.BOOL: DataType.BOOL,
}
_FROM_MILVUS = {v: k for k, v in _TO_MILVUS.items()}


def build_schema(spec: CollectionSpec) -> CollectionSchema:
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field(ID_FIELD, DataType.VARCHAR, is_primary=True, max_length=MAX_ID_BYTES)
    for field in spec.fields:
        extra: dict[str, Any] = {}
        if field.type is FieldType.STRING:
            extra["max_length"] = field.max_length
        if field.partition_key:
            extra["is_partition_key"] = True
        schema.add_field(field.name, _TO_MILVUS[field.type], **extra)
    schema.add_field(VECTOR_FIELD, DataType.FLOAT_VECTOR, dim=spec.dimension)
    if spec.has_text:
        schema.add_field(TEXT_FIELD, DataType.VARCHAR, max_length=spec.text_max_length, enable_analyzer=True)
        schema.add_field(SPARSE_FIELD, DataType.SPARSE_FLOAT_VECTOR)
        schema.add_function(
            Function(
                name=BM25_FUNCTION,
                function_type=FunctionType.BM25,
                input_field_names=[TEXT_FIELD],
                output_field_names=[SPARSE_FIELD],
            )
        )
    return schema


def build_index(spec: CollectionSpec) -> IndexParams:
    params = MilvusClient.prepare_index_params()
    params.add_index(VECTOR_FIELD, index_type="HNSW", metric_type=spec.metric.value, params=HNSW_BUILD)
    if spec.has_text:
        params.add_index(SPARSE_FIELD, index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    return params


def search_params(spec: CollectionSpec, top_k: int) -> dict[str, Any]:
    return {"metric_type": spec.metric.value, "params": {"ef": max(HNSW_MIN_EF, top_k)}}


def spec_from_milvus(name: str, description: dict[str, Any], vector_index: dict[str, Any]) -> CollectionSpec:
    """Rebuild the spec from `describe_collection` and the dense field's `describe_index`."""
    fields: list[ScalarField] = []
    dimension = 0
    text_max: int | None = None
    for column in description.get("fields", []):
        column_name, kind, params = column["name"], column["type"], column.get("params", {})
        if column_name == VECTOR_FIELD:
            dimension = int(params["dim"])
        elif column_name == TEXT_FIELD:
            text_max = int(params["max_length"])
        elif column_name not in (ID_FIELD, SPARSE_FIELD) and kind in _FROM_MILVUS:
            fields.append(
                ScalarField(
                    column_name,
                    _FROM_MILVUS[kind],
                    max_length=int(params.get("max_length", 256)),
                    partition_key=bool(column.get("is_partition_key", False)),
                )
            )
    metric = Metric(str(vector_index.get("metric_type", "COSINE")).upper())
    return CollectionSpec(name, dimension, metric, tuple(fields), text_max)
