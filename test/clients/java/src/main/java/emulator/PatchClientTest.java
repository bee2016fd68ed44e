// azure-resourcemanager-compute and azure-identity from Maven Central (pom.xml), unmodified, against
// a running emulator. Run by test/clients/java/run.sh, which starts the emulator (--auth strict,
// --completion polls:2, --retry-after 0) and gives the JVM:
//   CPE_ENDPOINT                        the emulator's HTTPS URL
//   -Djavax.net.ssl.trustStore=...      a PKCS12 trust store holding only the emulator's certificate
//   IDENTITY_ENDPOINT/IDENTITY_HEADER   the emulator's managed-identity endpoint (App Service style)
// Polling: the SDK sleeps before each status poll, the first one included; with Retry-After: 0 it
// sleeps its default poll interval, 30 s. The test sets the poller's own interval,
// SyncPoller.setPollInterval, to 1 ms, so nothing waits.
// Prints "ok: NAME" or "FAILED: NAME" per check.
package emulator;

import com.azure.core.credential.TokenCredential;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.resourcemanager.compute.ComputeManager;
import com.azure.resourcemanager.compute.fluent.VirtualMachinesClient;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineAssessPatchesResultInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInstallPatchesResultInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineInstanceViewInner;
import com.azure.resourcemanager.compute.models.LinuxParameters;
import com.azure.resourcemanager.compute.models.PatchInstallationDetail;
import com.azure.resourcemanager.compute.models.PatchInstallationState;
import com.azure.resourcemanager.compute.models.PatchOperationStatus;
import com.azure.resourcemanager.compute.models.VMGuestPatchClassificationLinux;
import com.azure.resourcemanager.compute.models.VMGuestPatchClassificationWindows;
import com.azure.resourcemanager.compute.models.VMGuestPatchRebootSetting;
import com.azure.resourcemanager.compute.models.VirtualMachine;
import com.azure.resourcemanager.compute.models.VirtualMachineInstallPatchesParameters;
import com.azure.resourcemanager.compute.models.WindowsParameters;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public final class PatchClientTest {
    static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
    static final String TENANT = "00000000-0000-0000-0000-000000000001";
    static final String GROUP = "myResourceGroupName";
    static final String WINDOWS_VM = "myVMName";
    static final String LINUX_VM = "myLinuxVMName";

    interface Check {
        void run() throws Exception;
    }

    static final Duration NO_WAIT = Duration.ofMillis(1);
    static int failures = 0;

    static void check(String name, Check check) {
        try {
            check.run();
            System.out.println("ok: " + name);
        } catch (Throwable error) {
            failures++;
            System.out.println("FAILED: " + name);
            System.out.println("    " + error);
        }
    }

    static void expect(boolean condition, String message) {
        if (!condition) throw new AssertionError(message);
    }

    /** The emulator as a cloud: ARM and the login endpoint are both the emulator; ARM's audience. */
    static AzureEnvironment emulatorEnvironment(String endpoint) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", endpoint + "/");
        endpoints.put("activeDirectoryEndpointUrl", endpoint + "/");
        endpoints.put("managementEndpointUrl", "https://management.core.windows.net/");
        return new AzureEnvironment(endpoints);
    }

    public static void main(String[] args) {
        String endpoint = System.getenv("CPE_ENDPOINT");
        AzureProfile profile = new AzureProfile(TENANT, SUBSCRIPTION, emulatorEnvironment(endpoint));

        // MSAL4J reads <endpoint>/<tenant>/v2.0/.well-known/openid-configuration at the emulator;
        // instance discovery (a question to login.microsoftonline.com) is turned off, as for ADFS.
        TokenCredential secret = new ClientSecretCredentialBuilder()
            .tenantId(TENANT).clientId("java-client").clientSecret("any-secret")
            .authorityHost(endpoint)
            .disableInstanceDiscovery()
            .build();
        ComputeManager compute = ComputeManager.authenticate(secret, profile);
        VirtualMachinesClient vms = compute.serviceClient().getVirtualMachines();
        String[] ids = new String[2];

        check("ClientSecretCredential + beginInstallPatches on Windows (serviceClient().getVirtualMachines())", () -> {
            VirtualMachineInstallPatchesResultInner result = vms.beginInstallPatches(GROUP, WINDOWS_VM,
                new VirtualMachineInstallPatchesParameters()
                    .withMaximumDuration("PT4H")
                    .withRebootSetting(VMGuestPatchRebootSetting.IF_REQUIRED)
                    // The REST specification's example request (VirtualMachine_InstallPatches.json).
                    .withWindowsParameters(new WindowsParameters()
                        .withClassificationsToInclude(List.of(VMGuestPatchClassificationWindows.CRITICAL, VMGuestPatchClassificationWindows.SECURITY))
                        .withMaxPatchPublishDate(OffsetDateTime.of(2026, 3, 31, 0, 0, 0, 0, ZoneOffset.UTC))))
                .setPollInterval(NO_WAIT).getFinalResult();
            expect(result.status() == PatchOperationStatus.SUCCEEDED, "status " + result.status());
            long installed = result.patches().stream().filter(p -> p.installationState() == PatchInstallationState.INSTALLED).count();
            expect(installed > 0 && installed == result.installedPatchCount(), "installedPatchCount " + result.installedPatchCount() + ", " + installed + " in the list");
            expect(result.patches().stream().allMatch(p -> p.kbId() != null), "a Windows patch without kbId");
            ids[0] = result.installationActivityId();
        });

        check("beginInstallPatches on Linux (package masks)", () -> {
            VirtualMachineInstallPatchesResultInner result = vms.beginInstallPatches(GROUP, LINUX_VM,
                new VirtualMachineInstallPatchesParameters()
                    .withMaximumDuration("PT2H")
                    .withRebootSetting(VMGuestPatchRebootSetting.IF_REQUIRED)
                    .withLinuxParameters(new LinuxParameters()
                        .withClassificationsToInclude(List.of(VMGuestPatchClassificationLinux.CRITICAL, VMGuestPatchClassificationLinux.SECURITY))
                        .withPackageNameMasksToExclude(List.of("vim*"))))
                .setPollInterval(NO_WAIT).getFinalResult();
            expect(result.status() == PatchOperationStatus.SUCCEEDED, "status " + result.status());
            expect(result.excludedPatchCount() > 0, "vim* excluded nothing");
            for (PatchInstallationDetail patch : result.patches()) {
                expect(patch.version() != null && patch.kbId() == null, "Linux patch " + patch.name() + " carries kbId or no version");
            }
        });

        check("beginAssessPatches", () -> {
            VirtualMachineAssessPatchesResultInner result = vms.beginAssessPatches(GROUP, WINDOWS_VM).setPollInterval(NO_WAIT).getFinalResult();
            expect(result.status() == PatchOperationStatus.SUCCEEDED, "status " + result.status());
            expect(result.availablePatches().size() == result.criticalAndSecurityPatchCount() + result.otherPatchCount(), "counts disagree with the list");
            ids[1] = result.assessmentActivityId();
        });

        check("instanceView shows the install and the assessment just run", () -> {
            VirtualMachineInstanceViewInner view = vms.instanceView(GROUP, WINDOWS_VM);
            expect(ids[0] != null && ids[0].equals(view.patchStatus().lastPatchInstallationSummary().installationActivityId()), "last install is not the one just run");
            expect(ids[1] != null && ids[1].equals(view.patchStatus().availablePatchSummary().assessmentActivityId()), "last assessment is not the one just run");
        });

        check("installPatches with an invalid KB number is a ManagementException 400 InvalidParameter", () -> {
            try {
                vms.installPatches(GROUP, WINDOWS_VM, new VirtualMachineInstallPatchesParameters()
                    .withMaximumDuration("PT4H")
                    .withRebootSetting(VMGuestPatchRebootSetting.NEVER)
                    .withWindowsParameters(new WindowsParameters().withKbNumbersToInclude(List.of("1111"))));
            } catch (ManagementException error) {
                expect(error.getResponse().getStatusCode() == 400, "status " + error.getResponse().getStatusCode());
                expect("InvalidParameter".equals(error.getValue().getCode()), "code " + error.getValue().getCode());
                expect("windowsParameters.kbNumbersToInclude".equals(error.getValue().getTarget()), "target " + error.getValue().getTarget());
                return;
            }
            throw new AssertionError("the invalid body was accepted");
        });

        check("fluent virtualMachines().listByResourceGroup", () -> {
            List<String> names = new ArrayList<>();
            for (VirtualMachine vm : compute.virtualMachines().listByResourceGroup(GROUP)) names.add(vm.name());
            Collections.sort(names);
            expect(names.equals(List.of(LINUX_VM, WINDOWS_VM)), "listed " + names);
        });

        check("ManagedIdentityCredential (IDENTITY_ENDPOINT) + beginAssessPatches", () -> {
            TokenCredential identity = new ManagedIdentityCredentialBuilder().build();
            VirtualMachineAssessPatchesResultInner result = ComputeManager.authenticate(identity, profile)
                .serviceClient().getVirtualMachines().beginAssessPatches(GROUP, LINUX_VM).setPollInterval(NO_WAIT).getFinalResult();
            expect(result.status() == PatchOperationStatus.SUCCEEDED, "status " + result.status());
        });

        System.exit(failures > 0 ? 1 : 0);
    }
}
