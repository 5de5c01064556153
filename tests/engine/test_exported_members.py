"""The engine's public API is the list in `engine.__all__`, and nothing slips in or out."""

import engine

PUBLIC_API = {
    "BpmnError",
    "AmbiguousTarget",
    "Conflict",
    "Definition",
    "DefinitionInfo",
    "DeployProblem",
    "DeployResult",
    "DeploymentError",
    "HelpersNotRegistered",
    "Engine",
    "HistoryEntry",
    "IncidentInfo",
    "IncidentRaised",
    "InstanceListItem",
    "InstanceSummary",
    "InstanceView",
    "InvalidData",
    "KlageflowError",
    "ModelTestDifference",
    "ModelTestResult",
    "MigrationOutcome",
    "MigrationRecord",
    "NotFound",
    "PermissionDenied",
    "SignalReport",
    "StartTimerInfo",
    "TaskFilter",
    "TaskInfo",
    "TaskNotReady",
    "clock",
    "now",
}


def test_the_engine_exports_exactly_its_public_api():
    assert set(engine.__all__) == PUBLIC_API
    assert len(engine.__all__) == len(PUBLIC_API)


def test_every_exported_member_exists_and_is_public_where_it_is_defined():
    for name in engine.__all__:
        member = getattr(engine, name)
        module = getattr(member, "__module__", "engine")
        assert module.startswith("engine"), name
        assert not name.startswith("_"), name


def test_no_public_name_is_left_out_of_all():
    # Submodules are reachable as attributes of a package; every other public name in
    # `engine` must be in `__all__`.
    import types

    public = {
        name
        for name, value in vars(engine).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(engine.__all__)
