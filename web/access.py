"""Who may see and act on which instance: the permission rules in one place."""

from __future__ import annotations

from collections.abc import Callable

from .accounts import Principal

# Extra rules (the complaint module adds one: parties and organisations of a case).
InstanceRule = Callable[[object, Principal, str], bool]
INSTANCE_RULES: list[InstanceRule] = []


def can_view_instance(services, principal: Principal, instance_id: str) -> bool:
    """Admins and designers see every instance; others only where a rule or task lets them."""
    if principal.role in ("admin", "designer"):
        return True
    if any(rule(services, principal, instance_id) for rule in INSTANCE_RULES):
        return True
    if not principal.groups:
        return False
    return instance_id in services.engine.instances_with_open_task([instance_id], principal.groups)
