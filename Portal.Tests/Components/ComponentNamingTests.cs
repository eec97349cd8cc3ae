using System.Reflection;
using Microsoft.AspNetCore.Components;

namespace Portal.Tests.Components;

/// <summary>
/// The naming rules of .editorconfig for Razor components. The build checks them (IDE1006) in .cs files only: a
/// component's @code is compiled as generated code, which the analyzers skip, so its members are checked here.
/// </summary>
public sealed class ComponentNamingTests
{
    private const BindingFlags Declared = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> Components() =>
        typeof(Program).Assembly.GetTypes().Where(t => typeof(ComponentBase).IsAssignableFrom(t) && !t.IsAbstract);

    // Compiler-made members (backing fields, lambdas, local functions) have names C# cannot spell.
    private static bool Written(MemberInfo member) => !member.Name.Contains('<') && !member.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute));

    [Fact]
    public void Properties_and_methods_of_components_are_PascalCase()
    {
        var offenders = Components()
            .SelectMany(t => t.GetProperties(Declared).Cast<MemberInfo>()
                .Concat(t.GetMethods(Declared).Where(m => !m.IsSpecialName))
                .Where(Written)
                .Where(m => !char.IsUpper(m.Name[0]) && !m.Name.Contains('.'))
                .Select(m => $"{t.Name}.{m.Name}"))
            .ToList();

        Assert.True(offenders.Count == 0, string.Join(", ", offenders));
    }

    [Fact]
    public void Fields_of_components_are_camelCase_and_constants_PascalCase()
    {
        var offenders = Components()
            .SelectMany(t => t.GetFields(Declared).Where(Written)
                .Where(f => f.IsLiteral || (f.IsStatic && f.IsInitOnly)
                    ? !char.IsUpper(f.Name[0])
                    : f.IsPublic || !(char.IsLower(f.Name.TrimStart('_')[0]) && !f.Name.TrimStart('_').Contains('_')))
                .Select(f => $"{t.Name}.{f.Name}"))
            .ToList();

        Assert.True(offenders.Count == 0, string.Join(", ", offenders));
    }
}
