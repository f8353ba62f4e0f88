"""Frameworks: the trust's framework library in the console.

The library's list (built-in frameworks and the trust's own documents with their states), an
upload that shows the checker's problems (file and line, or sheet and cell) and keeps nothing
until there are none, publish and retire, a preview of each framework version as the editor
shows it and of what each report audience reads, and what changed between two versions.
The pages call the same functions as ``reviewer-app-server admin frameworks ...``
(:mod:`reviewer_app.server.framework_library`); the frameworks registered for visits (the
server's own list that visits and access rules name) are at the foot of the list.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile
from starlette.responses import Response

from reviewer_app.domain.errors import NotFoundError, ReviewerError
from reviewer_app.domain.frameworks import FrameworkProblem
from reviewer_app.server import administration as adm
from reviewer_app.server import audit, models
from reviewer_app.server import framework_library as library
from reviewer_app.server import framework_preview as preview
from reviewer_app.server.console.auth import (
    ConsoleUser,
    FormDep,
    PageNotFound,
    console_action,
    console_page,
    text,
)
from reviewer_app.server.console.web import redirect, render
from reviewer_app.server.library_cli import MAX_UPLOAD_BYTES

router = APIRouter()

KIND_LABELS = {
    "framework": "Framework",
    "framework_overlay": "Overlay of a built-in framework",
    "rating_scale": "Rating scale",
    "categorisation_scheme": "Categorisation scheme",
    "trust_profile": "Trust profile",
    "trust_vocabulary": "Vocabulary",
}
STATE_TAGS = {"draft": "tag-yellow", "published": "tag-green", "retired": "tag-grey"}
AUDIENCE_LABELS = {
    "full_internal": "Full internal report",
    "school_facing": "Report for the school",
    "board_summary": "Summary for the trust board",
}


def _registered(session: Session) -> list[models.Framework]:
    return list(session.exec(select(models.Framework).order_by(col(models.Framework.title))).all())


def _list_context(session: Session, user: ConsoleUser) -> dict[str, Any]:
    return {
        "documents": library.documents(session, user.trust.id),
        "built_in": library.built_in_library().frameworks,
        "registered": _registered(session),
        "kinds": KIND_LABELS,
        "state_tags": STATE_TAGS,
    }


@router.get("/console/frameworks")
def framework_list(request: Request) -> Response:
    with console_page(request) as (session, user):
        return render(request, "frameworks/list.html", _list_context(session, user), user=user)


def _where(problem: FrameworkProblem) -> str:
    if problem.cell is not None:
        return problem.cell
    parts = [f"line {problem.line}"] if problem.line is not None else []
    if problem.document_path:
        parts.append(problem.document_path)
    return ", ".join(parts) or "the whole file"


@router.post("/console/frameworks/upload")
def upload(request: Request, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        chosen = form.get("file")
        error = ""
        problems: list[dict[str, str]] = []
        name = chosen.filename if isinstance(chosen, UploadFile) and chosen.filename else ""
        if not isinstance(chosen, UploadFile) or not name:
            error = "Choose a framework file (.yaml) or workbook (.xlsx) to upload."
        else:
            content = chosen.file.read(MAX_UPLOAD_BYTES + 1)
            if len(content) > MAX_UPLOAD_BYTES:
                error = (
                    f"{name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; a framework "
                    "file is far smaller. Check you chose the right file."
                )
            else:
                outcome = library.upload(
                    session, user.trust.id, name, content, uploaded_by=user.person.name
                )
                if outcome.problems:
                    session.rollback()
                    problems = [
                        {"where": _where(p), "message": p.message} for p in outcome.problems
                    ]
                else:
                    kept = ", ".join(f"{r.doc_id}@{r.version}" for r in outcome.kept)
                    audit.record(
                        session, user.actor, "framework.uploaded",
                        f"Uploaded {name}: kept {kept} as draft", trust_id=user.trust.id,
                    )  # fmt: skip
                    first = outcome.kept[0]
                    target = (
                        f"/console/frameworks/{first.doc_id}/{first.version}"
                        if len(outcome.kept) == 1
                        else "/console/frameworks"
                    )
                    return redirect(
                        target,
                        user=user,
                        flash=f"{name} passed the checker: {kept} is kept as a draft. Preview "
                        "it, then publish it for the laptops.",
                    )
        context = _list_context(session, user)
        context.update({"upload_error": error, "problems": problems, "file_name": name})
        return render(request, "frameworks/list.html", context, user=user, status=400)


def _state_change(
    request: Request, form: Any, doc_id: str, version: str, publish: bool
) -> Response:
    with console_action(request, form) as (session, user):
        reference = f"{doc_id}@{version}"
        try:
            row = (
                library.publish(session, user.trust.id, reference, actor=user.actor)
                if publish
                else library.retire(session, user.trust.id, reference)
            )
        except NotFoundError as exc:
            raise PageNotFound(str(exc)) from None
        except ReviewerError as exc:
            session.rollback()
            context = _list_context(session, user)
            context["action_error"] = str(exc)
            return render(request, "frameworks/list.html", context, user=user, status=400)
        word = "published" if publish else "retired"
        audit.record(
            session, user.actor, f"framework.{word}",
            f"{KIND_LABELS[row.kind]} {reference} {word}", trust_id=user.trust.id,
        )  # fmt: skip
        flash = (
            f"{row.title or reference} version {row.version} is published: laptops that may use "
            "it receive it at their next sync."
            if publish
            else f"{row.title or reference} version {row.version} is retired: laptops no longer "
            "offer it for new visits; reviews keep the version they began on."
        )
        return redirect("/console/frameworks", user=user, flash=flash)


@router.post("/console/frameworks/{doc_id}/{version}/publish")
def publish(request: Request, doc_id: str, version: str, form: FormDep) -> Response:
    return _state_change(request, form, doc_id, version, publish=True)


@router.post("/console/frameworks/{doc_id}/{version}/retire")
def retire(request: Request, doc_id: str, version: str, form: FormDep) -> Response:
    return _state_change(request, form, doc_id, version, publish=False)


def _rows_named(session: Session, user: ConsoleUser, doc_id: str, version: str) -> list[Any]:
    return list(
        session.exec(
            select(models.LibraryDocument).where(
                models.LibraryDocument.trust_id == user.trust.id,
                models.LibraryDocument.doc_id == doc_id,
                models.LibraryDocument.version == version,
            )
        ).all()
    )


@router.get("/console/frameworks/changes")
def changes(request: Request) -> Response:
    with console_page(request) as (session, user):
        versions = preview.framework_versions(session, user.trust.id)
        before = request.query_params.get("before", "")
        after = request.query_params.get("after", "")
        context: dict[str, Any] = {
            "versions": versions,
            "before": before,
            "after": after,
            "diff": None,
            "error": "",
        }
        if before and after:
            try:
                context["diff"] = preview.compare(session, user.trust.id, before, after)
            except ReviewerError as exc:
                context["error"] = str(exc)
                return render(request, "frameworks/changes.html", context, user=user, status=400)
        return render(request, "frameworks/changes.html", context, user=user)


@router.get("/console/frameworks/{doc_id}/{version}")
def framework_preview(request: Request, doc_id: str, version: str) -> Response:
    with console_page(request) as (session, user):
        rows = _rows_named(session, user, doc_id, version)
        if rows and all(r.kind not in ("framework", "framework_overlay") for r in rows):
            return render(
                request,
                "frameworks/document.html",
                {"row": rows[0], "kinds": KIND_LABELS, "state_tags": STATE_TAGS},
                user=user,
            )
        framework, entry = _resolved(session, user, doc_id, version)
        overlay = next((r for r in rows if r.kind == "framework_overlay"), None)
        return render(
            request,
            "frameworks/preview.html",
            {
                "framework": framework,
                "entry": entry,
                "row": rows[0] if rows else None,
                "overlay": overlay,
                "state_tags": STATE_TAGS,
                "when": preview.condition_words,
                "title_of": preview.title_lookup(framework),
                "roles": preview.role_words,
                "earlier": _earlier(session, user, doc_id, version),
            },
            user=user,
        )


@router.get("/console/frameworks/{doc_id}/{version}/report")
def report_preview(request: Request, doc_id: str, version: str) -> Response:
    with console_page(request) as (session, user):
        framework, entry = _resolved(session, user, doc_id, version)
        keys = [a.key for a in framework.audiences]
        audience = request.query_params.get("audience") or (
            "school_facing" if "school_facing" in keys else keys[0]
        )
        if audience not in keys:
            raise PageNotFound(f"{framework.title} has no report for '{audience}'.")
        return render(
            request,
            "frameworks/report.html",
            {
                "framework": framework,
                "entry": entry,
                "audience": framework.audience(audience),
                "outline": preview.report_outline(framework, audience),
                "state_tags": STATE_TAGS,
                "roles": preview.role_words,
            },
            user=user,
        )


@router.get("/console/frameworks/{doc_id}/{version}/report.pdf")
def report_pdf(request: Request, doc_id: str, version: str) -> Response:
    """A sample report (an empty review) for one audience, as the laptops render it."""
    from reviewer_app.reports.document import STANDARD_AUDIENCES
    from reviewer_app.server.console.web import secure_headers

    with console_page(request) as (session, user):
        framework, entry = _resolved(session, user, doc_id, version)
        audience = request.query_params.get("audience", "school_facing")
        if audience not in STANDARD_AUDIENCES or audience not in {
            a.key for a in framework.audiences
        }:
            raise PageNotFound(f"{framework.title} has no report for '{audience}'.")
        pdf = preview.sample_report_pdf(framework, user.trust.name, audience)
        name = f"{entry.id}@{entry.version}-{audience.replace('_', '-')}-sample.pdf"
        return secure_headers(
            Response(
                pdf,
                media_type="application/pdf",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        )


def _resolved(session: Session, user: ConsoleUser, doc_id: str, version: str) -> Any:
    try:
        return preview.resolve(session, user.trust.id, doc_id, version)
    except NotFoundError as exc:
        raise PageNotFound(str(exc)) from None


def _earlier(session: Session, user: ConsoleUser, doc_id: str, version: str) -> str:
    """The version just before this one, to compare with (empty when it is the first)."""
    from reviewer_app.domain.frameworks.frozen_model import version_key

    older = [
        v.version
        for v in preview.framework_versions(session, user.trust.id)
        if v.id == doc_id and version_key(v.version) < version_key(version)
    ]
    return max(older, key=version_key, default="")


# ---------------------------------------------------------------- registered for visits


@router.post("/console/frameworks/import")
def import_installed(request: Request, form: FormDep) -> Response:
    from reviewer_app.paths import frameworks_dir

    with console_action(request, form) as (session, user):
        try:
            registered = adm.import_frameworks(session, frameworks_dir(), actor=user.actor)
        except ReviewerError as exc:
            context = _list_context(session, user)
            context["action_error"] = str(exc)
            return render(request, "frameworks/list.html", context, user=user, status=400)
        return redirect(
            "/console/frameworks",
            user=user,
            flash=f"{len(registered)} frameworks are registered from the server's installed "
            "frameworks.",
        )


@router.post("/console/frameworks/new")
def add_framework(request: Request, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        framework_id = text(form, "framework_id")
        if not framework_id or not framework_id.replace("-", "").replace("_", "").isalnum():
            context = _list_context(session, user)
            context["action_error"] = (
                "Enter the framework's id: letters, digits, - and _ only "
                "(as in its file, for example learning-walk)."
            )
            return render(request, "frameworks/list.html", context, user=user, status=400)
        framework = adm.add_framework(
            session,
            framework_id,
            title=text(form, "title"),
            safeguarding=bool(form.get("safeguarding")),
            actor=user.actor,
        )
        return redirect(
            "/console/frameworks",
            user=user,
            flash=f"{framework.title or framework.id} is registered.",
        )


# ---------------------------------------------------------------- the trust's vocabulary


def _vocabulary_form(vocabulary: Any) -> dict[str, Any]:
    from reviewer_app.server.trust_vocabulary import values_text

    return {
        "title": vocabulary.title,
        "tags": [
            {
                "key": tag.key,
                "label": tag.label,
                "values": values_text(tag.values),
                "free_text": tag.free_text,
            }
            for tag in vocabulary.tags
        ],
        "not_names": "\n".join(vocabulary.not_names),
    }


def _vocabulary_page(
    request: Request,
    session: Session,
    user: ConsoleUser,
    form: dict[str, Any] | None = None,
    problems: list[dict[str, str]] | None = None,
) -> Response:
    from reviewer_app.server import trust_vocabulary

    current = trust_vocabulary.in_use(session, user.trust.id)
    if form is None:
        form = _vocabulary_form(current.vocabulary)
        if not current.own:
            form["title"] = f"{user.trust.name} vocabulary"
    return render(
        request,
        "frameworks/vocabulary.html",
        {
            "current": current,
            "form": form,
            "problems": problems or [],
        },
        user=user,
        status=400 if problems else 200,
    )


@router.get("/console/frameworks/vocabulary")
def vocabulary_page(request: Request) -> Response:
    with console_page(request) as (session, user):
        return _vocabulary_page(request, session, user)


def _tag_key(key: str, label: str) -> str:
    import re

    return key or re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


@router.post("/console/frameworks/vocabulary")
def vocabulary_save(request: Request, form: FormDep) -> Response:
    from reviewer_app.server import trust_vocabulary

    with console_action(request, form) as (session, user):
        tags_form, tags = [], []
        for index in range(200):
            if f"tag-{index}-label" not in form:
                break
            entry = {
                "key": text(form, f"tag-{index}-key"),
                "label": text(form, f"tag-{index}-label"),
                "values": text(form, f"tag-{index}-values"),
                "free_text": bool(form.get(f"tag-{index}-free")),
            }
            if not entry["label"] and not entry["values"]:
                continue  # emptied: the kind of tag is removed
            tags_form.append(entry)
            tags.append(
                {
                    "key": _tag_key(str(entry["key"]), str(entry["label"])),
                    "label": entry["label"],
                    "values": trust_vocabulary.parse_values(str(entry["values"])),
                    "free_text": entry["free_text"],
                }
            )
        not_names_text = str(form.get("not_names") or "")
        not_names = [w.strip() for w in not_names_text.splitlines() if w.strip()]
        title = text(form, "title")
        row, problems = trust_vocabulary.save(
            session,
            user.trust.id,
            title=title,
            owner=user.trust.name,
            tags=tags,
            not_names=not_names,
            saved_by=user.person.name,
        )
        if problems:
            session.rollback()
            entered = {"title": title, "tags": tags_form, "not_names": not_names_text}
            found = [{"where": p.document_path, "message": p.message} for p in problems]
            return _vocabulary_page(request, session, user, entered, found)
        assert row is not None
        audit.record(
            session, user.actor, "vocabulary.published",
            f"Vocabulary {row.doc_id}@{row.version} published", trust_id=user.trust.id,
        )  # fmt: skip
        return redirect(
            "/console/frameworks/vocabulary",
            user=user,
            flash=f"Version {row.version} of the trust's vocabulary is published: every laptop "
            "has it at its next sync.",
        )
