using System.Collections.Immutable;
using CsCheck;
using static Spawn.Tests.Fuzzing.FuzzValues;

namespace Spawn.Tests.Fuzzing;

/// <summary>
/// Objects of a known shape, tame or wild. Tame: every required field, each of the right type with a usual value.
/// Wild: anything, anywhere — odd values, other JSON types, null, unknown and repeated keys, any order.
/// </summary>
public abstract class JsonShape(bool tame)
{
    /// <summary>A field of this weight or more is always there in a tame object.</summary>
    protected const int Required = 20;

    protected bool Tame => tame;

    /// <summary>Names a wild object may have besides its own: typos, other tools' names, other levels' names.</summary>
    protected abstract Gen<string> UnknownName { get; }

    /// <summary>A usual value; wild, now and then a bad one of the right type or an odd string instead.</summary>
    protected Gen<FuzzJson> Text(string[] usual, string[] bad) =>
        (tame ? Gen.OneOf(usual) : Gen.Frequency((8, Gen.OneOf(usual)), (1, Gen.OneOf([.. bad, .. usual])), (1, OddString)))
        .Select(FuzzJson.Str);

    /// <summary>Tame: the value. Wild: now and then null, or a value of any other JSON type.</summary>
    protected Gen<FuzzJson> Value(Gen<FuzzJson> usual) =>
        tame ? usual : Gen.Frequency((12, usual), (2, AnyValue), (1, Gen.Const(FuzzJson.Null)));

    /// <summary>
    /// Each field present by its weight against 1 with a <see cref="Value"/>; tame, a field of weight
    /// <see cref="Required"/> or more always. Wild, sometimes an unknown field or a key written twice, in any order.
    /// </summary>
    protected Gen<FuzzJson> Object(params (string Name, int Weight, Gen<FuzzJson> Value)[] fields)
    {
        var present = All(fields.Select(field =>
            {
                var member = Value(field.Value).Select(v => ImmutableList.Create((field.Name, v)));
                return tame && field.Weight >= Required ? member
                    : Gen.Frequency((field.Weight, member), (1, Gen.Const(ImmutableList<(string, FuzzJson)>.Empty)));
            }))
            .Select(members => members.SelectMany(m => m).ToImmutableList());
        if (tame)
        {
            return present.Select(members => FuzzJson.Obj([.. members]));
        }

        return from members in present
               from unknown in Gen.Select(UnknownName, AnyValue).Array[0, 1]
               from repeat in Gen.Int[0, 9]
               let all = repeat == 0 && members.Count > 0 ? members.AddRange(unknown).Add(members[0]) : members.AddRange(unknown)
               from shuffled in Gen.Shuffle(all.ToArray())
               select FuzzJson.Obj(shuffled);
    }
}
