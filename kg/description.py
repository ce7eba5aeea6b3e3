"""Compatibility name: the VoID/DCAT description now lives in :mod:`kg.exports.description`."""

from kg.exports.description import DATASET, PUBLISHER, SPARQL_ENDPOINT, describe, namespace_of

__all__ = ["DATASET", "PUBLISHER", "SPARQL_ENDPOINT", "describe", "namespace_of"]
