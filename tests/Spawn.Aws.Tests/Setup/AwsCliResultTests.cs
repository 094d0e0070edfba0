using Spawn.Aws.Setup;

namespace Spawn.Aws.Tests.Setup;

public sealed class AwsCliResultTests
{
    [Fact]
    public void The_error_code_and_reason_come_from_the_clis_error_line()
    {
        var result = new AwsCliResult(254, "", "\nAn error occurred (NoSuchEntity) when calling the GetRole operation: Role spawn-queue not found\n");

        Assert.False(result.Succeeded);
        Assert.Equal("NoSuchEntity", result.ErrorCode);
        Assert.Equal("An error occurred (NoSuchEntity) when calling the GetRole operation: Role spawn-queue not found", result.Reason);
    }

    [Fact]
    public void A_failure_without_an_aws_error_has_no_code_and_says_its_exit_code()
    {
        var result = new AwsCliResult(2, "", "");

        Assert.Null(result.ErrorCode);
        Assert.Equal("exit code 2", result.Reason);
    }
}
