using Spawn.Core.State;

namespace Spawn.Core.Tests.State;

/// <summary>Error messages are kept small in the state and on screen (issue 16, item 6).</summary>
public sealed class BoundedTextTests
{
    [Fact]
    public void A_message_within_the_limit_is_kept_as_it_is()
    {
        var text = new string('x', BoundedText.StoredLimit);

        Assert.Same(text, BoundedText.Stored(text));
        Assert.Null(BoundedText.Stored(null));
    }

    [Fact]
    public void A_longer_message_keeps_its_head_and_says_how_much_was_cut_and_where_the_rest_is()
    {
        var text = new string('x', BoundedText.StoredLimit + 5000);

        var stored = BoundedText.Stored(text)!;

        Assert.StartsWith(new string('x', BoundedText.StoredLimit) + "…", stored, StringComparison.Ordinal);
        Assert.EndsWith("(5000 more characters; the full text is in the agent's log)", stored, StringComparison.Ordinal);
        Assert.True(stored.Length < BoundedText.StoredLimit + 100, $"{stored.Length} characters");
    }

    [Fact]
    public void The_cut_never_splits_a_surrogate_pair_so_the_result_is_valid_utf8()
    {
        // 2047 x's then emoji (2 UTF-16 units each): the limit falls between the halves of the first emoji.
        var text = new string('x', BoundedText.StoredLimit - 1) + string.Concat(Enumerable.Repeat("😀", 100));

        var stored = BoundedText.Stored(text)!;

        Assert.StartsWith(new string('x', BoundedText.StoredLimit - 1) + "…", stored, StringComparison.Ordinal);
        Assert.Contains("(200 more characters;", stored, StringComparison.Ordinal);
        var strict = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        Assert.Equal(stored, strict.GetString(strict.GetBytes(stored)));
    }

    [Fact]
    public void Shown_puts_a_message_on_one_short_line()
    {
        var text = "first line\nsecond\tline\r\n" + new string('y', 1000);

        var shown = BoundedText.Shown(text);

        Assert.DoesNotContain('\n', shown);
        Assert.DoesNotContain('\r', shown);
        Assert.StartsWith("first line second line  yyy", shown, StringComparison.Ordinal);
        Assert.True(shown.Length < BoundedText.ShownLimit + 40, $"{shown.Length} characters");
        Assert.EndsWith($"({text.Length - BoundedText.ShownLimit} more characters)", shown, StringComparison.Ordinal);
        Assert.Equal("short", BoundedText.Shown("short"));
    }
}
