using System.Buffers.Text;
using System.Text.Json;

namespace Portal.Domain.Keys;

/// <summary>
/// The JSON Web Key Set of the published license signing keys (active and retired), as served at
/// <c>/.well-known/jwks.json</c> and embedded in the product: <c>{"keys":[{"kty":"EC","crv":"P-256","x","y","kid","use":"sig","alg":"ES256"}]}</c>.
/// </summary>
public sealed class LicenseKeyJwks(SigningKeyStore keys)
{
    private volatile Cached? _cached;

    /// <summary>The JWKS document of the store's published keys (cached until the published keys change).</summary>
    public async ValueTask<string> GetJsonAsync(CancellationToken cancellationToken = default)
    {
        var published = await keys.GetPublishedKeysAsync(cancellationToken);
        if (_cached is { } cached && ReferenceEquals(cached.Keys, published))
            return cached.Json;
        var json = Write(published);
        _cached = new Cached(published, json);
        return json;
    }

    public static string Write(IEnumerable<PublishedKey> keys)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("keys");
            foreach (var key in keys)
            {
                json.WriteStartObject();
                json.WriteString("kty", "EC");
                json.WriteString("crv", "P-256");
                json.WriteString("x", Base64Url.EncodeToString(key.X));
                json.WriteString("y", Base64Url.EncodeToString(key.Y));
                json.WriteString("kid", key.KeyId);
                json.WriteString("use", "sig");
                json.WriteString("alg", LicenseKeyFormat.Algorithm);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private sealed record Cached(IReadOnlyList<PublishedKey> Keys, string Json);
}
