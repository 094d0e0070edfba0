namespace Spawn.Aws.Setup;

/// <summary>
/// The exact <c>aws iam</c> commands of the role half of <c>spawn setup</c>, as argument lists: run by
/// <see cref="AgentRoleSetup"/>, printed by <see cref="SetupScript"/>, so what a user pastes is what setup would run.
/// The instance profile has the role's name: <c>spawn launch --iam-role NAME</c> takes the profile's name.
/// </summary>
public sealed record AgentRoleCommands(string RoleName, string Bucket, string Region)
{
    private const string Description = "Instances started by spawn launch: run spored, read and write their queue in S3";

    public string ProfileName => RoleName;

    public string PolicyName => AgentRolePolicies.PolicyName(Bucket);

    public string TrustDocument { get; } = AgentRolePolicies.Trust();

    public string PermissionsDocument { get; } = AgentRolePolicies.Permissions(Bucket, Region);

    public IReadOnlyList<string> GetRole => Read("get-role", "--role-name", RoleName);

    public IReadOnlyList<string> GetRolePolicy => Read("get-role-policy", "--role-name", RoleName, "--policy-name", PolicyName);

    public IReadOnlyList<string> GetInstanceProfile => Read("get-instance-profile", "--instance-profile-name", ProfileName);

    public IReadOnlyList<string> CreateRole =>
        Iam("create-role", "--role-name", RoleName, "--description", Description, "--assume-role-policy-document", TrustDocument);

    public IReadOnlyList<string> PutRolePolicy =>
        Iam("put-role-policy", "--role-name", RoleName, "--policy-name", PolicyName, "--policy-document", PermissionsDocument);

    public IReadOnlyList<string> CreateInstanceProfile => Iam("create-instance-profile", "--instance-profile-name", ProfileName);

    public IReadOnlyList<string> AddRoleToInstanceProfile =>
        Iam("add-role-to-instance-profile", "--instance-profile-name", ProfileName, "--role-name", RoleName);

    /// <summary>The changes, in the order they must happen (the role before its policy and before the profile takes it).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Changes => [CreateRole, PutRolePolicy, CreateInstanceProfile, AddRoleToInstanceProfile];

    /// <summary>A check whose answer is parsed: JSON whatever output format the user's profile prefers.</summary>
    private string[] Read(params string[] command) => [.. Iam(command), "--output", "json"];

    /// <summary>
    /// IAM is global, but the region picks the partition (aws, aws-cn, aws-us-gov), and the CLI refuses to work
    /// without one when the user has no default region.
    /// </summary>
    private string[] Iam(params string[] command) => ["iam", .. command, "--region", Region];
}
