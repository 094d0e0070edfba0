using Spawn.Core.Model;
using Spawn.Core.Retry;
using Spawn.Core.Validation;

namespace Spawn.Core.Parsing;

/// <summary>
/// Maps one element of <c>jobs</c>. Always returns a <see cref="JobDraft"/> for the graph checks; the
/// <see cref="JobDefinition"/> only when every field of the job is valid.
/// </summary>
internal static class JobMapper
{
    private static readonly IReadOnlyDictionary<string, string> NoEnv = new Dictionary<string, string>().AsReadOnly();

    public static (JobDraft Draft, JobDefinition? Job) Map(ParseContext context, SourceNode node, int index)
    {
        var path = JsonPath.ForJob(index);
        if (context.Object(node, path) is not { } obj)
        {
            return (new JobDraft(index, null, node.Offset, []), null);
        }

        var before = context.ErrorCount;
        var fields = context.Members(obj, path, QueueFields.Job, DidYouMean.ForJobField);

        var (jobId, jobIdOffset) = JobId(context, obj, fields, path);
        var command = Required(context, obj, fields, path, "command") is { } c ? context.NonEmptyString(c.Value, path.Child("command")) : null;
        command = WithoutNul(context, fields.Get("command"), path.Child("command"), command);
        var timeout = Required(context, obj, fields, path, "timeout") is { } t ? context.Duration(t.Value, path.Child("timeout"), allowZero: false) : null;
        var dependsOn = DependsOn(context, fields, path);
        var env = Env(context, fields, path);
        var retry = fields.Get("retry") is { } r ? RetryMapper.Map(context, r.Value, path.Child("retry")) : RetryPolicy.None;
        var resultPaths = ResultPaths(context, fields, path);
        var killGrace = fields.Get("kill_grace") is { } k ? context.Duration(k.Value, path.Child("kill_grace"), allowZero: true) : null;
        var cpus = Slots(context, fields, path, "cpus", minimum: 1, "CPU slots the job holds while it runs");
        var gpus = Slots(context, fields, path, "gpus", minimum: 0, "GPUs the job holds while it runs; 0 for none");

        var draft = new JobDraft(index, jobId, jobIdOffset, dependsOn);
        if (context.ErrorCount != before || jobId is null || command is null || timeout is null || retry is null)
        {
            return (draft, null);
        }

        var dependencyIds = new string[dependsOn.Count];
        for (var i = 0; i < dependencyIds.Length; i++)
        {
            dependencyIds[i] = dependsOn[i].JobId;
        }

        return (draft, new JobDefinition(jobId, command, timeout.Value, dependencyIds, env, retry, resultPaths, killGrace) { Cpus = cpus, Gpus = gpus });
    }

    /// <summary>A job's <c>cpus</c> or <c>gpus</c>: a whole number of at least <paramref name="minimum"/>, or null when absent.</summary>
    private static int? Slots(ParseContext context, ObjectFields fields, JsonPath path, string name, int minimum, string meaning)
    {
        var fieldPath = path.Child(name);
        if (fields.Get(name) is not { } member || context.Integer(member.Value, fieldPath) is not { } count)
        {
            return null;
        }

        if (count < minimum)
        {
            context.Error(member.Value.Offset, fieldPath, $"{fieldPath} must be at least {minimum} ({meaning}), found {count}");
            return null;
        }

        context.Remember(member.Value.Offset, fieldPath);
        return count;
    }

    private static string? WithoutNul(ParseContext context, SourceMember? member, JsonPath path, string? value) =>
        member is not { } m || value is null ? value : context.WithoutNul(m.Value, path, value);

    private static SourceMember? Required(ParseContext context, SourceObject obj, ObjectFields fields, JsonPath path, string name)
    {
        if (fields.Get(name) is { } member)
        {
            return member;
        }

        context.Error(obj.Offset, path, $"{path} is missing required field \"{name}\"");
        return null;
    }

    private static (string? Id, int Offset) JobId(ParseContext context, SourceObject obj, ObjectFields fields, JsonPath path)
    {
        if (Required(context, obj, fields, path, "job_id") is not { } member)
        {
            return (null, obj.Offset);
        }

        var idPath = path.Child("job_id");
        var offset = member.Value.Offset;
        var id = context.String(member.Value, idPath);
        if (id is null)
        {
            return (null, offset);
        }

        if (id.Length == 0)
        {
            context.Error(offset, idPath, $"{idPath} must not be empty");
            return (null, offset);
        }

        if (!IdentifierRules.IsValidId(id))
        {
            context.Error(offset, idPath, $"{idPath} \"{id}\" is not a valid id: use {IdentifierRules.IdRuleText}");
        }

        // Still returned when invalid, so dependencies on it are not also reported as unknown.
        context.NameJob(path.Job, id);
        return (id, offset);
    }

    private static IReadOnlyList<DependencyReference> DependsOn(ParseContext context, ObjectFields fields, JsonPath path)
    {
        var listPath = path.Child("depends_on");
        if (fields.Get("depends_on") is not { } member || context.Array(member.Value, listPath) is not { } array)
        {
            return [];
        }

        var references = new List<DependencyReference>(array.Items.Count);
        for (var i = 0; i < array.Items.Count; i++)
        {
            if (context.NonEmptyString(array.Items[i], listPath.Item(i)) is { } id)
            {
                references.Add(new DependencyReference(id, array.Items[i].Offset, listPath.Item(i)));
            }
        }

        return references;
    }

    private static IReadOnlyDictionary<string, string> Env(ParseContext context, ObjectFields fields, JsonPath path)
    {
        var envPath = path.Child("env");
        if (fields.Get("env") is not { } member || context.Object(member.Value, envPath) is not { } obj)
        {
            return NoEnv;
        }

        var env = new Dictionary<string, string>(obj.Members.Count, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variable in obj.Members)
        {
            var variablePath = envPath.Child(variable.Name);
            if (!seen.Add(variable.Name))
            {
                context.Error(variable.NameOffset, variablePath, $"duplicate key \"{variable.Name}\" in {envPath}");
                continue;
            }

            if (!IdentifierRules.IsValidEnvName(variable.Name))
            {
                context.Error(variable.NameOffset, variablePath,
                    $"{envPath}: \"{variable.Name}\" is not a valid environment variable name (letters, digits and '_', not starting with a digit)");
            }
            else if (IdentifierRules.ReservedEnvNames.Contains(variable.Name))
            {
                context.Error(variable.NameOffset, variablePath, $"{envPath}: {variable.Name} is set by spawn for every attempt and cannot be overridden");
            }

            if (WithoutNul(context, variable, variablePath, context.String(variable.Value, variablePath)) is { } value)
            {
                env[variable.Name] = value;
            }
        }

        return env;
    }

    private static IReadOnlyList<string> ResultPaths(ParseContext context, ObjectFields fields, JsonPath path)
    {
        var listPath = path.Child("result_paths");
        if (fields.Get("result_paths") is not { } member || context.Array(member.Value, listPath) is not { } array)
        {
            return [];
        }

        var paths = new List<string>(array.Items.Count);
        for (var i = 0; i < array.Items.Count; i++)
        {
            if (context.NonEmptyString(array.Items[i], listPath.Item(i)) is { } resultPath
                && context.WithoutNul(array.Items[i], listPath.Item(i), resultPath) is not null)
            {
                paths.Add(resultPath);
            }
        }

        return paths;
    }
}
