"""Messages of the organisation tree (corporations, departments, employees); codes from the kernel
specs their errors derive from."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "corporation.not_found": {"en-US": "corporation not found", "zh-CN": "组织不存在"},
    "corporation.department_not_found": {"en-US": "department not found", "zh-CN": "部门不存在"},
    "corporation.employee_not_found": {"en-US": "employee not found", "zh-CN": "员工不存在"},
    "corporation.user_not_found": {
        "en-US": "the platform account to link does not exist or is disabled",
        "zh-CN": "要关联的平台账号不存在或已停用",
    },
    "corporation.invalid_field": {"en-US": "invalid {field}: {reason}", "zh-CN": "{field} 无效：{reason}"},
    "corporation.parent_cycle": {
        "en-US": "a node cannot be moved under itself or one of its descendants",
        "zh-CN": "不能把节点移动到它自身或其下级之下",
    },
    "corporation.tree_too_deep": {
        "en-US": "the tree would be deeper than {limit} levels",
        "zh-CN": "层级将超过 {limit} 级",
    },
    "corporation.type_nesting": {
        "en-US": "a {child} cannot sit under a {parent}",
        "zh-CN": "{child} 类型的组织不能位于 {parent} 之下",
    },
    "corporation.department_outside_corporation": {
        "en-US": "the departments must all belong to one corporation (a parent department to the same one)",
        "zh-CN": "部门必须属于同一组织（上级部门须属于同一组织）",
    },
    "corporation.invalid_placement": {
        "en-US": "invalid departments: {reason}",
        "zh-CN": "部门设置无效：{reason}",
    },
    "corporation.sort_outside_parent": {
        "en-US": "sort lists only the direct sub-departments of the given parent, each once",
        "zh-CN": "排序只能包含该上级的直属部门，且每个部门只出现一次",
    },
    "corporation.not_empty": {
        "en-US": "the corporation still has {children} sub-corporations, {departments} departments "
        "and {employees} employees: move or delete them first",
        "zh-CN": "该组织下仍有 {children} 个下级组织、{departments} 个部门和 {employees} 名员工，"
        "请先移走或删除",
    },
    "corporation.department_not_empty": {
        "en-US": "the department still has {children} sub-departments and {employees} employees: "
        "move them first",
        "zh-CN": "该部门下仍有 {children} 个子部门和 {employees} 名员工，请先移走",
    },
    "corporation.employee_no_taken": {
        "en-US": "employee number {employee_no} is already used in this corporation",
        "zh-CN": "工号 {employee_no} 在该组织内已被使用",
    },
    "corporation.user_already_linked": {
        "en-US": "this platform account is already linked to another employee of the corporation",
        "zh-CN": "该平台账号已关联到该组织的其他员工",
    },
    "corporation.employee_status": {
        "en-US": "not possible while the employee is {status}",
        "zh-CN": "员工当前状态（{status}）下无法执行此操作",
    },
}
