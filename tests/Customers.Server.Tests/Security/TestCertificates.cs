using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Customers.Server.Tests.Security;

/// <summary>
/// A private PKI made for one test: a CA, certificates it issues for a server (127.0.0.1) or a
/// client (the gateway), written as PEM files the way an operator would mount them.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 authority, string folder) => (Authority, Folder) = (authority, folder);

    public X509Certificate2 Authority { get; }

    public string Folder { get; }

    public static TestCertificates NewAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return new TestCertificates(authority, Directory.CreateTempSubdirectory("customers-pki-").FullName);
    }

    /// <summary>Writes the CA certificate as PEM and returns its path.</summary>
    public string WriteAuthority()
    {
        var path = Path.Combine(Folder, "ca.pem");
        File.WriteAllText(path, Authority.ExportCertificatePem());
        return path;
    }

    /// <summary>A client certificate (clientAuth) issued by this CA, with its private key.</summary>
    public X509Certificate2 IssueClient(string subject) => Issue(subject, "1.3.6.1.5.5.7.3.2", san: null);

    /// <summary>A server certificate for 127.0.0.1 (serverAuth) issued by this CA.</summary>
    public X509Certificate2 IssueServer() => Issue("CN=127.0.0.1", "1.3.6.1.5.5.7.3.1", san: IPAddress.Loopback);

    /// <summary>Writes a certificate and its PKCS#8 key as PEM files (name.pem, name.key); returns both paths.</summary>
    public (string Certificate, string Key) WritePem(X509Certificate2 certificate, string name)
    {
        var (certificatePath, keyPath) = (Path.Combine(Folder, name + ".pem"), Path.Combine(Folder, name + ".key"));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    private X509Certificate2 Issue(string subject, string usage, IPAddress? san)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256); // the certificate keeps it
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (san is not null)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(san);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(Authority, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        return issued.CopyWithPrivateKey(key);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
