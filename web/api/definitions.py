"""Process definitions: list, versions, BPMN of a version, and deploy (designers)."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint

from engine import InvalidData, NotFound

from .. import auth
from . import services
from .operation import operation
from .schemas import (
    DefinitionSchema,
    DeployFormSchema,
    DeployResponseSchema,
    MigrationRequestSchema,
    MigrationResponseSchema,
)

PREFIX = "/definitions"
blp = Blueprint("definitions", __name__, description="Deployed BPMN/DMN process definitions")
MAX_FILES = 50
READERS = ("designer", "admin", "authority_caseworker", "board_caseworker")


@blp.route("")
class Definitions(MethodView):
    @operation(blp, 200, DefinitionSchema(many=True), *READERS)
    def get(self):
        """The latest version of every process key."""
        return services().engine.definitions()

    @operation(
        blp, 201, DeployResponseSchema, "designer", arguments=DeployFormSchema, location="files"
    )
    def post(self, _files):
        """Deploy BPMN/DMN/form files (multipart, field `files`) as a new version.

        422 with the problems (file, line, element id, reason) when refused; nothing is stored then.
        """
        uploads = request.files.getlist("files")
        if not uploads:
            raise InvalidData(
                "send the files as multipart form field 'files'", {"files": ["required"]}
            )
        if len(uploads) > MAX_FILES:
            raise InvalidData(f"at most {MAX_FILES} files per deployment", {"files": ["too many"]})
        files = {upload.filename or "unnamed": upload.read() for upload in uploads}
        results = services().engine.deploy(files, deployed_by=auth.current().username)
        status = 201 if any(r.created for r in results) else 200
        return {"deployed": results}, status


@blp.route("/<key>")
class DefinitionVersions(MethodView):
    @operation(blp, 200, DefinitionSchema(many=True), *READERS)
    def get(self, key):
        """Every version of one process key, newest first."""
        return services().engine.definition_versions(key)


@blp.route("/<key>/migrations")
class DefinitionMigrations(MethodView):
    @operation(
        blp, 200, MigrationResponseSchema, "designer", "admin", arguments=MigrationRequestSchema
    )
    def post(self, body, key):
        """Move the unfinished instances of one version to another (or, with `dry_run`, say
        which can move and why not).

        An instance moves when every element it has completed or waits at is unchanged in
        the new version; each moves in a step of its own, audited. 404 for an unknown key
        or version, 422 for the same version twice.
        """
        outcomes = services().engine.migrate_instances(
            key,
            body["from_version"],
            body["to_version"],
            actor=auth.current().username,
            dry_run=body["dry_run"],
        )
        return {**body, "key": key, "instances": outcomes}


@blp.route("/<key>/versions/<int:version>/files/<path:filename>")
class DefinitionFile(MethodView):
    @operation(blp, 200, None, *READERS)
    def get(self, key, version, filename):
        """One deployed file of a version (the BPMN XML, a DMN table, a form, a letter)."""
        definition = services().engine.definition(key, version)
        if filename not in definition.files:
            raise NotFound(f"version {version} of {key!r} has no file {filename!r}")
        mimetype = (
            "application/json"
            if filename.endswith((".form", ".json"))
            # a letter template is source text, never a page of this site
            else "text/plain"
            if filename.endswith(".letter.html")
            else "application/xml"
        )
        return Response(definition.files[filename], mimetype=mimetype)


@blp.route("/<key>/versions/<int:version>/bpmn")
class DefinitionBpmn(MethodView):
    @operation(blp, 200, None, *READERS)
    def get(self, key, version):
        """The BPMN XML of a version (the file that defines the process key)."""
        definition = services().engine.definition(key, version)
        for name, text in sorted(definition.files.items()):
            if name.endswith(".bpmn") and f'id="{key}"' in text:
                return Response(text, mimetype="application/xml")
        raise NotFound(f"no BPMN file of {key!r} version {version}")
