from __future__ import annotations

from domain.common.errors import Conflict, InvalidInput, NotFound


class CorporationNotFound(NotFound):
    message_key = "corporation.not_found"


class DepartmentNotFound(NotFound):
    message_key = "corporation.department_not_found"


class EmployeeNotFound(NotFound):
    message_key = "corporation.employee_not_found"


class LinkedUserNotFound(NotFound):
    """The platform account an employee should be linked to does not exist or is disabled."""

    message_key = "corporation.user_not_found"


class InvalidOrganisationField(InvalidInput):
    """A name, number or address is empty, too long or malformed: `field` says which, `reason` why."""

    message_key = "corporation.invalid_field"


class ParentCycle(InvalidInput):
    """Re-parenting would make a node its own ancestor."""

    message_key = "corporation.parent_cycle"


class TreeTooDeep(InvalidInput):
    message_key = "corporation.tree_too_deep"


class CorporationTypeNesting(InvalidInput):
    message_key = "corporation.type_nesting"


class DepartmentOutsideCorporation(InvalidInput):
    """A department's parent, or an employee's department, belongs to another corporation."""

    message_key = "corporation.department_outside_corporation"


class InvalidPlacement(InvalidInput):
    message_key = "corporation.invalid_placement"


class SortOutsideParent(InvalidInput):
    message_key = "corporation.sort_outside_parent"


class CorporationNotEmpty(Conflict):
    message_key = "corporation.not_empty"


class DepartmentNotEmpty(Conflict):
    message_key = "corporation.department_not_empty"


class EmployeeNumberTaken(Conflict):
    message_key = "corporation.employee_no_taken"


class UserAlreadyLinked(Conflict):
    message_key = "corporation.user_already_linked"


class EmployeeStatusConflict(Conflict):
    """Resigning a resigned employee, restoring an active one, or moving a resigned one."""

    message_key = "corporation.employee_status"
