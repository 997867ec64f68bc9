from __future__ import annotations

from dependency_injector import containers, providers

from application.corporation.corporations import CorporationService
from application.corporation.departments import DepartmentService
from application.corporation.employees import EmployeeService
from application.corporation.tree import OrganisationTreeService
from application.user.directory import UserDirectoryService
from crossdomain.audit import AuditRecorder
from crossdomain.permission import PermissionChecker
from domain.common.ports import Clock, IdGenerator, UnitOfWorkFactory
from domain.user.ports import UserRepository
from infra.persistence.corporation import SqlCorporationRepository, SqlDepartmentRepository
from infra.persistence.corporation.employees import SqlEmployeeRepository


class CorporationContainer(containers.DeclarativeContainer):
    """The organisation tree: corporations, departments, employees."""

    uow: providers.Dependency[UnitOfWorkFactory] = providers.Dependency()
    ids: providers.Dependency[IdGenerator] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    audit: providers.Dependency[AuditRecorder] = providers.Dependency()
    users: providers.Dependency[UserRepository] = providers.Dependency()
    permissions: providers.Dependency[PermissionChecker] = providers.Dependency()

    corporations = providers.Singleton(SqlCorporationRepository)
    departments = providers.Singleton(SqlDepartmentRepository)
    employees = providers.Singleton(SqlEmployeeRepository)
    # crossdomain.user.UserDirectory, answered by the user context for employee-account links
    user_directory = providers.Singleton(UserDirectoryService, uow=uow, users=users)

    corporation_service = providers.Singleton(
        CorporationService,
        uow=uow,
        corporations=corporations,
        departments=departments,
        employees=employees,
        audit=audit,
        ids=ids,
        clock=clock,
        permissions=permissions,
    )
    department_service = providers.Singleton(
        DepartmentService,
        uow=uow,
        corporations=corporations,
        departments=departments,
        employees=employees,
        audit=audit,
        ids=ids,
        clock=clock,
        permissions=permissions,
    )
    employee_service = providers.Singleton(
        EmployeeService,
        uow=uow,
        corporations=corporations,
        departments=departments,
        employees=employees,
        users=user_directory,
        audit=audit,
        ids=ids,
        clock=clock,
        permissions=permissions,
    )
    tree_service = providers.Singleton(
        OrganisationTreeService,
        uow=uow,
        corporations=corporations,
        departments=departments,
        employees=employees,
    )
