"""Actions agreed at a visit and their follow-up at the school's later visits."""

from __future__ import annotations

from datetime import date

from reviewer_app.domain.action_fields import ACTION_FIELDS, actions_from_fields
from reviewer_app.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    FollowUpOutcome,
    Priority,
    current_judgements,
)
from reviewer_app.domain.review_rules import may_withdraw, withdraw_refusal
from reviewer_app.services.review_access import ReviewAccess, now
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.visit_repository import VisitRepository


class ActionTracking(ReviewAccess):
    """Actions and follow-ups (part of ``Workspace.reviews``)."""

    def add_action(
        self,
        review_id: str,
        text: str,
        *,
        owner: str,
        due: date | None,
        priority: Priority = Priority.MEDIUM,
        criterion_id: str | None = None,
    ) -> Action:
        """Record a next step agreed at the visit."""
        if not text.strip():
            raise ValidationError("An action needs a description of what is to be done.")

        def write() -> Action:
            with self._store.writing() as session:
                _, visit = self._writable(session, review_id)
                action = Action(
                    id=new_id(),
                    review_id=review_id,
                    school_id=visit.school_id,
                    text=text,
                    owner=owner,
                    due=due,
                    priority=priority,
                    created_by=self._person().id,
                    created_at=now(),
                    criterion_id=criterion_id,
                )
                ActionRepository(session).add_action(action)
            return action

        action = self._lane.call(write)
        return self._published(action, review_id, Entity.ACTION, record_id=action.id)

    def retract_action(self, review_id: str, action_id: str) -> Action:
        """Withdraw an action: its author or the visit's lead reviewer may (the server's rule)."""

        def write() -> Action:
            with self._store.writing() as session:
                _, visit = self._writable(session, review_id)
                actions = ActionRepository(session)
                action = actions.get_action(action_id)
                if action is None or action.review_id != review_id:
                    raise NotFoundError("That action is not part of this review.")
                me = self._person().id
                if not may_withdraw(action.created_by, me, is_lead=visit.lead.person_id == me):
                    raise PermissionDeniedError(
                        withdraw_refusal("this action"),
                        hint="Ask them to withdraw it, or add a note with your view.",
                    )
                return actions.retract_action(action_id, now())

        return self._published(
            self._lane.call(write), review_id, Entity.ACTION, record_id=action_id
        )

    def convert_action_fields(self) -> list[Action]:
        """Turn the action fields of open reviews on a framework version that had them
        (``domain.action_fields``: the safeguarding audit's version 1) into actions on their
        criteria, once, for the fields this laptop's person wrote; run when the store opens.
        Signed reviews keep their fields as signed (nothing may be added to them). Returns the
        actions added now (none the second time)."""
        me = self._person().id

        def write() -> list[Action]:
            added: list[Action] = []
            with self._store.writing() as session:
                reviews, actions = ReviewRepository(session), ActionRepository(session)
                visits = VisitRepository(session)
                for framework_id, version in ACTION_FIELDS:
                    for review in reviews.reviews_on(framework_id, version):
                        visit = visits.get_visit(review.visit_id)
                        if review.state.is_locked or visit is None:
                            continue
                        agreed = {
                            j.criterion_id: j.level_key
                            for (_c, _a, is_agreed), j in current_judgements(
                                reviews.judgements(review.id)
                            ).items()
                            if is_agreed and j.level_key is not None
                        }
                        for action in actions_from_fields(
                            framework_id=framework_id,
                            framework_version=version,
                            review_id=review.id,
                            school_id=visit.school_id,
                            values=reviews.field_values(review.id),
                            agreed_levels=agreed,
                            author_id=me,
                        ):
                            if actions.get_action(action.id) is None:
                                actions.add_action(action)
                                added.append(action)
            return added

        added = self._lane.call(write)
        for action in added:
            self._published(action, action.review_id, Entity.ACTION, record_id=action.id)
        return added

    def actions(self, review_id: str) -> list[Action]:
        """The review's actions (retracted ones left out), oldest first."""
        with self._store.reading() as session:
            return [a for a in ActionRepository(session).actions(review_id) if not a.retracted]

    def record_follow_up(
        self,
        review_id: str,
        action_id: str,
        outcome: FollowUpOutcome,
        evidence: str,
        *,
        follow_up_id: str | None = None,
    ) -> ActionFollowUp:
        """Record, during this review, how an earlier visit's action stands (``follow_up_id``:
        the id the editor already shows it under)."""

        def write() -> ActionFollowUp:
            with self._store.writing() as session:
                _, visit = self._writable(session, review_id)
                action = ActionRepository(session).get_action(action_id)
                if action is None or action.school_id != visit.school_id:
                    raise NotFoundError("That action does not belong to this school.")
                if action.review_id == review_id:
                    raise ValidationError(
                        "An action is followed up at a later visit, not the one that set it."
                    )
                follow_up = ActionFollowUp(
                    id=follow_up_id or new_id(),
                    action_id=action_id,
                    review_id=review_id,
                    outcome=outcome,
                    evidence=evidence,
                    author_id=self._person().id,
                    recorded_at=now(),
                )
                ActionRepository(session).add_follow_up(follow_up)
            return follow_up

        follow_up = self._lane.call(write)
        return self._published(
            follow_up, review_id, Entity.ACTION_FOLLOW_UP, record_id=follow_up.id
        )

    def follow_ups(self, review_id: str) -> list[ActionFollowUp]:
        """Follow-ups recorded during this review."""
        with self._store.reading() as session:
            return ActionRepository(session).follow_ups(review_id)

    def open_actions_before(self, visit_id: str) -> list[Action]:
        """Actions from the school's earlier visits still open when this visit starts.

        Open: not retracted, and not followed up as met at an earlier visit (the newest such
        follow-up counts). An action this visit marks met stays listed for this visit.
        """
        with self._store.reading() as session:
            visit = self._visit_or_fail(session, visit_id)
            visits = {v.id: v for v in VisitRepository(session).visits_for_school(visit.school_id)}
            reviews = ReviewRepository(session)
            review_visit = {
                r.id: r.visit_id for v in visits.values() for r in reviews.reviews_for_visit(v.id)
            }
            actions_repo = ActionRepository(session)
            candidates = [
                a
                for a in actions_repo.actions_for_school(visit.school_id)
                if not a.retracted
                and review_visit.get(a.review_id) != visit_id
                and a.review_id in review_visit
                and visits[review_visit[a.review_id]].start <= visit.start
            ]
            latest: dict[str, ActionFollowUp] = {}
            for follow_up in actions_repo.follow_ups_for_actions(a.id for a in candidates):
                # Only follow-ups at visits before this one: this visit's own follow-up (an
                # action it marked met) must not hide the action from this visit.
                at = review_visit.get(follow_up.review_id)
                if at is None or at == visit_id or visits[at].start > visit.start:
                    continue
                latest[follow_up.action_id] = follow_up  # oldest first, so the newest wins
        return [
            a
            for a in candidates
            if a.id not in latest or latest[a.id].outcome is not FollowUpOutcome.MET
        ]
