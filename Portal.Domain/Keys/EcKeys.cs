using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Domain.Keys;

/// <summary>ECDSA P-256 helpers shared by the key store, the JWKS and the verifier.</summary>
internal static class EcKeys
{
    /// <summary>OID of the NIST P-256 curve (secp256r1, prime256v1).</summary>
    public const string P256Oid = "1.2.840.10045.3.1.7";

    public static ECDsa Generate() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public static bool IsP256(ECDsa key) =>
        key.KeySize == 256 && key.ExportParameters(includePrivateParameters: false).Curve.Oid?.Value == P256Oid;

    /// <summary>A P-256 public key from its JWK coordinates; throws <see cref="CryptographicException"/> for a point not on the curve.</summary>
    public static ECDsa FromCoordinates(byte[] x, byte[] y)
    {
        if (x.Length != 32 || y.Length != 32)
            throw new CryptographicException("A P-256 coordinate is 32 bytes long.");
        var key = ECDsa.Create();
        try
        {
            key.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public static ECDsa FromSubjectPublicKeyInfo(byte[] publicKey)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(publicKey, out _);
            if (!IsP256(key))
                throw new CryptographicException("The stored public key is not a P-256 key.");
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>The RFC 7638 JWK thumbprint (SHA-256, base64url) of a P-256 public key.</summary>
    public static string Thumbprint(ECDsa key)
    {
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        var canonical = $$"""{"crv":"P-256","kty":"EC","x":"{{Base64Url.EncodeToString(q.X)}}","y":"{{Base64Url.EncodeToString(q.Y)}}"}""";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>A key id is what goes into the JWT header: short, printable, no spaces or quotes.</summary>
    public static bool IsValidKeyId(string? kid) =>
        !string.IsNullOrEmpty(kid) && kid.Length <= SigningKey.KeyIdMaxLength
        && kid.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
