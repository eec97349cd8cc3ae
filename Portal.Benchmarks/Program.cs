using BenchmarkDotNet.Running;

namespace Portal.Benchmarks;

/// <summary>
/// Runs the Portal benchmarks (docs/performance.md). Always in Release:
/// <c>dotnet run -c Release --project Portal.Benchmarks -- --filter '*Signing*'</c>; <c>--filter '*'</c> runs them all.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
