"""A faithful API v2 provider (HonestSMM-style) for demos and tests: `Simulator(...).start()`."""

from provider.simulator.catalog import SimError, SimService
from provider.simulator.faults import Faults
from provider.simulator.server import Simulator
from provider.simulator.state import OrderSnapshot, Received

__all__ = ["Faults", "OrderSnapshot", "Received", "SimError", "SimService", "Simulator"]
