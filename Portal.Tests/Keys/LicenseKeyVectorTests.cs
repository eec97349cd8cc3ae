using Microsoft.Extensions.Time.Testing;
using Portal.Domain.Keys;

namespace Portal.Tests.Keys;

/// <summary>
/// The committed vectors in Keys/Vectors (see its README), verified with the JWKS only: the format shipped products read.
/// The files are read from the source tree, next to this file.
/// </summary>
public sealed class LicenseKeyVectorTests
{
    private static readonly DateTimeOffset EvaluationExpiry = new(2026, 12, 29, 10, 0, 0, TimeSpan.Zero);

    private static readonly LicenseKeyClaims Perpetual = new(
        Guid.Parse("0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b"), "officestatus", "OfficeStatus", "Contoso Facilities Ltd", 6, 25,
        LicenseKind.Perpetual, new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero), new DateOnly(2027, 11, 29), null);

    private static readonly LicenseKeyClaims Evaluation = new(
        Guid.Parse("0193a1b2-7c4d-7e8f-9a0b-eeeeeeeeeeee"), "officestatus", "OfficeStatus", "Fabrikam, Inc.", 6, 5,
        LicenseKind.Evaluation, new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero), null, EvaluationExpiry);

    private static readonly LicenseKeyClaims OlderMajor = new(
        Guid.Parse("0193a1b2-7c4d-7e8f-9a0b-555555555555"), "officestatus", "OfficeStatus", "Northwind Traders", 5, 100,
        LicenseKind.Perpetual, new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero), new DateOnly(2026, 3, 14), null);

    private static string Vector(string name)
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Portal.sln")))
            folder = folder.Parent;
        var root = folder?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test folder.");
        return File.ReadAllText(Path.Combine(root, "Portal.Tests", "Keys", "Vectors", name));
    }

    private static LicenseKeyVerifier Verifier(DateTimeOffset at) =>
        new(Vector("jwks.json"), new FakeTimeProvider(at))
        {
            Issuer = "https://portal.keymetric.example",
            ProductCode = "officestatus",
        };

    private static readonly DateTimeOffset FarFuture = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("perpetual.jwt")]
    [InlineData("perpetual.lic")]
    [InlineData("perpetual-wrapped-crlf.lic")]
    [InlineData("header-edited.lic")]
    public void The_perpetual_vectors_verify_with_their_claims_and_never_expire(string file)
    {
        var result = Verifier(FarFuture).Verify(Vector(file));

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(Perpetual, result.Claims);
        Assert.Equal("vectors-2026", result.KeyId);
    }

    [Fact]
    public void The_key_signed_by_the_retired_key_still_verifies()
    {
        var result = Verifier(FarFuture).Verify(Vector("perpetual-retired-key.lic"));

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(OlderMajor, result.Claims);
        Assert.Equal("vectors-2025", result.KeyId);
    }

    [Fact]
    public void The_evaluation_vector_is_valid_until_its_expiry_and_expired_from_then_on()
    {
        var before = Verifier(EvaluationExpiry.AddSeconds(-1)).Verify(Vector("evaluation.lic"));
        var at = Verifier(EvaluationExpiry).Verify(Vector("evaluation.lic"));

        Assert.True(before.IsValid, before.Message);
        Assert.Equal(Evaluation, before.Claims);
        Assert.Equal(LicenseKeyFailure.Expired, at.Failure);
        Assert.Equal(Evaluation, at.Claims);
    }

    [Fact]
    public void The_license_file_vector_header_reads_as_written()
    {
        var file = LicenseFile.Parse(Vector("evaluation.lic"));

        Assert.Equal("Fabrikam, Inc.", file.Header[LicenseFile.Fields.Licensee]);
        Assert.Equal("5", file.Header[LicenseFile.Fields.Seats]);
        Assert.Equal("Evaluation", file.Header[LicenseFile.Fields.Kind]);
        Assert.Equal("2026-12-29 10:00 UTC", file.Header[LicenseFile.Fields.Expires]);
        Assert.Equal(LicenseFile.Format(Evaluation, file.Key), Vector("evaluation.lic"));
    }

    [Theory]
    [InlineData("tampered-seats.jwt", LicenseKeyFailure.BadSignature)]
    [InlineData("tampered-evaluation-made-perpetual.jwt", LicenseKeyFailure.BadSignature)]
    [InlineData("wrong-key-same-kid.jwt", LicenseKeyFailure.BadSignature)]
    [InlineData("unknown-kid.jwt", LicenseKeyFailure.UnknownKey)]
    [InlineData("alg-none.jwt", LicenseKeyFailure.UnsupportedAlgorithm)]
    [InlineData("hs256-public-key-as-secret.jwt", LicenseKeyFailure.UnsupportedAlgorithm)]
    public void The_forged_vectors_are_refused(string file, LicenseKeyFailure failure)
    {
        var result = Verifier(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)).Verify(Vector(file));

        Assert.False(result.IsValid);
        Assert.Equal(failure, result.Failure);
        Assert.Null(result.Claims);
    }
}
