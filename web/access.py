"""Who may see and act on which instance: the permission rules in one place."""

from __future__ import annotations

from collections.abc import Callable

from .accounts import Principal

# Extra rules, kept on the app's services (the complaint module's: parties and
# organisations of a case); see web/bootstrap.py.
InstanceRule = Callable[[object, Principal, str], bool]


def can_view_instance(services, principal: Principal, instance_id: str) -> bool:
    """Admins and designers see every instance; others only where a rule or task lets them."""
    if principal.role in ("admin", "designer"):
        return True
    if any(rule(services, principal, instance_id) for rule in services.instance_rules):
        return True
    if not principal.groups:
        return False
    return instance_id in services.engine.instances_with_open_task([instance_id], principal.groups)
