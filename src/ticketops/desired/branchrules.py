"""Which names a ticket's branch (and its base) may have: git's own rules, and ``ticketops/``.

* A name must be a valid git branch name: :func:`pygit2.reference_is_valid_name` on
  ``refs/heads/NAME`` (git's check-ref-format rules), plus what ``git branch`` refuses on top
  (a name starting with ``-``, ``HEAD``, ``@``) and what the reconciler refuses.
* Every name under ``ticketops/`` (and ``ticketops`` itself, which could not coexist with
  ``ticketops/lease`` as a git ref) is reserved for ticketops' own refs, such as the lease
  branch ``ticketops/lease``: a ticket's spec pushed there would be the lease, and releasing
  the lease would delete a person's commits. ADO compares ref names case-insensitively, so
  ``TicketOps/x`` is reserved too.
"""

from __future__ import annotations

import pygit2

from ticketops.model.gitlive import branch_problem

RESERVED_ROOT = "ticketops"
RESERVED_PREFIX = f"{RESERVED_ROOT}/"
LEASE_BRANCH_NAME = f"{RESERVED_PREFIX}lease"  # what the lease package uses; only for messages here
SAMPLE_KEY = "PAY-1"  # what a template is rendered with to check it
SAMPLE_SLUG = "some-title"


def is_reserved(name: str) -> bool:
    """``ticketops`` or anything under ``ticketops/``, in any case (ADO refs ignore case)."""
    lower = name.strip().lower().removeprefix("refs/heads/")
    return lower == RESERVED_ROOT or lower.startswith(RESERVED_PREFIX)


def reserved_message(what: str, name: str) -> str:
    return (
        f"{what} '{name}' is under {RESERVED_PREFIX}, which is reserved for ticketops' own refs "
        f"(the lease branch {LEASE_BRANCH_NAME}); choose a name outside {RESERVED_PREFIX}"
    )


def invalid_reason(name: str) -> str | None:
    """Why ``name`` (without ``refs/heads/``) is not a usable git branch name; None when it is."""
    if not name:
        return "is empty"
    if name.startswith("-"):
        return "starts with '-' (git would read it as an option)"
    if name in ("HEAD", "@"):
        return f"is '{name}', which git refuses as a branch name"
    if not pygit2.reference_is_valid_name("refs/heads/" + name) or branch_problem(name) is not None:
        return "is not a valid git branch name (no spaces, '..', '~', '^', ':', '?', '*', '[')"
    return None


def name_problem(what: str, name: str) -> str | None:
    """The message for a branch name given as ``what`` (``branch``, ``base``, ...), or None."""
    if not name.strip():
        return f"{what} is empty: remove the line to use the default, or write a branch name"
    bare = name.removeprefix("refs/heads/")
    reason = invalid_reason(bare)
    if reason is not None:
        return f"{what}: '{name}' {reason}"
    if is_reserved(bare):
        return reserved_message(what, name)
    return None


def render_sample(template: str) -> str:
    return template.replace("{key}", SAMPLE_KEY).replace("{slug}", SAMPLE_SLUG)


def template_problem(template: str) -> str | None:
    """What is wrong with ``branch_template`` whatever the ticket: its rendering for a sample
    ticket is not a valid branch name, or its fixed start is under ``ticketops/``. None when it
    is fine (placeholders themselves are checked by the config model)."""
    rendered = render_sample(template)
    reason = invalid_reason(rendered)
    if reason is not None:
        return (
            f"branch_template '{template}' gives branch names that are not valid in git: for {SAMPLE_KEY} "
            f"it gives '{rendered}', which {reason}; fix branch_template (the default is feature/{{key}}-{{slug}})"
        )
    if is_reserved(rendered):
        return (
            f"branch_template '{template}' puts ticket branches under {RESERVED_PREFIX}, which is reserved "
            f"for ticketops' own refs (the lease branch {LEASE_BRANCH_NAME}); use another prefix, "
            "for example feature/{key}-{slug}"
        )
    return None
