"""Per-resource services: each describes its endpoints and leaves sending to the transport."""

from ._base import ApiVersion, Service, ServiceContext
from ._batch import BatchCreate, BatchCreateResult, BatchInput, BatchOutcome
from .courier import CourierService
from .flows import FlowsService
from .frontend import FrontendService
from .identities import IdentitiesService
from .metadata import MetadataService
from .metrics import MetricsService
from .recovery import RecoveryService
from .schemas import SchemasService
from .sessions import SessionsService

__all__ = [
    "ApiVersion",
    "BatchCreate",
    "BatchCreateResult",
    "BatchInput",
    "BatchOutcome",
    "CourierService",
    "FlowsService",
    "FrontendService",
    "IdentitiesService",
    "MetadataService",
    "MetricsService",
    "RecoveryService",
    "SchemasService",
    "Service",
    "ServiceContext",
    "SessionsService",
]
