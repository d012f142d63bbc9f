//! What the ECS rules share: the container definitions of a task definition, however they are written
//! (`jsonencode([...])`, a heredoc or a JSON string in Terraform; `ContainerDefinitions` in CloudFormation).

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::eval::UNKNOWN_PART;
use crate::terraform::model::{Expr, ExprKind};
use crate::terraform::view::Config;
use crate::value::Value;

/// A container of a Terraform task definition: its definition as a value (parts that cannot be known are
/// `Value::Unknown`), and, when written as an HCL object inside `jsonencode`, the object (for precise
/// findings and fixes).
pub struct Container<'m> {
    pub value: Value,
    pub object: Option<Config<'m>>,
}

impl Container<'_> {
    /// The container's name, for messages.
    pub fn name(&self) -> String {
        self.value.get("name").as_str().map(|n| format!(" `{n}`")).unwrap_or_default()
    }
}

/// A value read leniently, with the unknown parts of strings made unknown again.
fn known(v: Value) -> Value {
    match v {
        Value::String(s) if s.contains(UNKNOWN_PART) => Value::Unknown,
        Value::List(items) => Value::List(items.into_iter().map(known).collect()),
        Value::Map(map) => Value::Map(map.into_iter().map(|(k, v)| (k, known(v))).collect()),
        other => other,
    }
}

/// The HCL objects of `jsonencode([{...}, ...])`, in order.
fn objects(expr: &Expr) -> Option<Vec<&Expr>> {
    let ExprKind::Call(name, args) = &expr.kind else { return None };
    let [arg] = args.as_slice() else { return None };
    let ExprKind::Tuple(items) = &arg.kind else { return None };
    (name == "jsonencode" && items.iter().all(|i| matches!(i.kind, ExprKind::Object(_))))
        .then(|| items.iter().collect())
}

/// The containers of an `aws_ecs_task_definition` (`None` when its definitions cannot be read: a file, a
/// template, a variable).
pub fn containers<'m>(ctx: &TfContext<'_, 'm>, res: Resource<'m>) -> Option<Vec<Container<'m>>> {
    let attr = res.block.attr("container_definitions")?;
    let text = match ctx.module.scope.eval_lenient(&attr.expr) {
        Value::String(s) => s,
        _ => return None,
    };
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let values = match known(Value::from_json(&json)) {
        Value::List(items) => items,
        _ => return None,
    };
    let objects = objects(&attr.expr).filter(|o| o.len() == values.len());
    Some(
        values
            .into_iter()
            .enumerate()
            .map(|(i, value)| Container { value, object: objects.as_ref().map(|o| Config::Object(o[i])) })
            .collect(),
    )
}

/// The container definitions of an `AWS::ECS::TaskDefinition` written as maps.
pub fn cfn_containers<'t>(ctx: &CfnContext<'_, 't>, res: CfnResource<'t>) -> Vec<&'t Node> {
    let Some((node, _)) = ctx.prop(res, "ContainerDefinitions") else { return Vec::new() };
    node.items().iter().filter(|c| c.intrinsic().is_none() && !c.entries().is_empty()).collect()
}

/// The `container-definition` submodule of `terraform-aws-modules/ecs`, and the ecs module itself, whose
/// inputs name container settings.
pub fn is_container_module(res: Resource) -> bool {
    let source = res.block.attr("source").and_then(|a| a.expr.as_literal_str()).unwrap_or("");
    res.is_module() && source.contains("terraform-aws-modules/ecs/aws") && source.contains("container-definition")
}
