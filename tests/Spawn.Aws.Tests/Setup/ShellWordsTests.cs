using System.Diagnostics;
using Spawn.Aws.Setup;

namespace Spawn.Aws.Tests.Setup;

public sealed class ShellWordsTests
{
    [Fact]
    public void Plain_words_are_left_as_they_are() =>
        Assert.Equal("iam create-role --role-name spawn-queue", ShellWords.Join(["iam", "create-role", "--role-name", "spawn-queue"]));

    [Fact]
    public async Task Bash_reads_back_exactly_the_words_quoted_including_a_policy_document_and_quotes()
    {
        string[] words = ["put-role-policy", AgentRolePolicies.Permissions("b", "us-east-1"), "it's", "a b", "$HOME", "", "back\\slash"];

        var start = new ProcessStartInfo("/bin/bash") { RedirectStandardOutput = true, ArgumentList = { "-c", "printf '%s\\0' " + ShellWords.Join(words) } };
        using var bash = Process.Start(start)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.Equal(words, output.Split('\0')[..^1]);
    }
}
