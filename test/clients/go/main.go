// The newest armcompute major and azidentity from the Go module proxy (go.mod), unmodified, against
// a running emulator. Run by test/clients/go/run.sh, which starts the emulator (--auth strict,
// --completion instant, --retry-after 0) and sets the environment a user's program would have:
//
//	CPE_ENDPOINT                       the emulator's HTTPS URL
//	SSL_CERT_FILE                      the emulator's certificate, the only trust (Go's crypto/x509 on Linux)
//	IDENTITY_ENDPOINT/IDENTITY_HEADER  the emulator's managed-identity endpoint (App Service style)
//
// Polling: PollUntilDone waits the 202's Retry-After (0 here) and then polls at once; with
// --completion instant the first poll is terminal, so nothing waits on the one-second minimum
// Frequency. Prints "ok: NAME" or "FAILED: NAME" per check.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v8"
)

const (
	subscription = "00000000-0000-0000-0000-000000000000"
	tenant       = "00000000-0000-0000-0000-000000000001"
	group        = "myResourceGroupName"
	windowsVM    = "myVMName"
	linuxVM      = "myLinuxVMName"
)

var failures int

func check(name string, fn func() error) {
	if err := fn(); err != nil {
		failures++
		fmt.Printf("FAILED: %s\n    %v\n", name, err)
		return
	}
	fmt.Printf("ok: %s\n", name)
}

// The emulator as a cloud: its own login endpoint and ARM endpoint; tokens for ARM's audience.
func emulatorCloud(endpoint string) cloud.Configuration {
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: endpoint + "/",
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: endpoint, Audience: "https://management.core.windows.net/"},
		},
	}
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	endpoint := os.Getenv("CPE_ENDPOINT")
	clientOptions := policy.ClientOptions{Cloud: emulatorCloud(endpoint)}
	poll := &runtime.PollUntilDoneOptions{Frequency: time.Second}

	// MSAL reads <endpoint>/<tenant>/v2.0/.well-known/openid-configuration at the emulator;
	// instance discovery (a question to login.microsoftonline.com) is turned off, as for ADFS.
	secret, err := azidentity.NewClientSecretCredential(tenant, "go-client", "any-secret", &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            clientOptions,
		DisableInstanceDiscovery: true,
	})
	if err != nil {
		fmt.Printf("FAILED: NewClientSecretCredential\n    %v\n", err)
		os.Exit(1)
	}
	vms, err := armcompute.NewVirtualMachinesClient(subscription, secret, &arm.ClientOptions{ClientOptions: clientOptions})
	if err != nil {
		fmt.Printf("FAILED: NewVirtualMachinesClient\n    %v\n", err)
		os.Exit(1)
	}

	var installID, assessmentID string
	check("ClientSecretCredential + BeginInstallPatches/PollUntilDone on Windows", func() error {
		poller, err := vms.BeginInstallPatches(ctx, group, windowsVM, armcompute.VirtualMachineInstallPatchesParameters{
			MaximumDuration: to.Ptr("PT4H"),
			RebootSetting:   to.Ptr(armcompute.VMGuestPatchRebootSettingIfRequired),
			// The REST specification's example request (VirtualMachine_InstallPatches.json).
			WindowsParameters: &armcompute.WindowsParameters{
				ClassificationsToInclude: []*armcompute.VMGuestPatchClassificationWindows{
					to.Ptr(armcompute.VMGuestPatchClassificationWindowsCritical), to.Ptr(armcompute.VMGuestPatchClassificationWindowsSecurity),
				},
				MaxPatchPublishDate: to.Ptr(time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)),
			},
		}, nil)
		if err != nil {
			return err
		}
		result, err := poller.PollUntilDone(ctx, poll)
		if err != nil {
			return err
		}
		if *result.Status != armcompute.PatchOperationStatusSucceeded {
			return fmt.Errorf("status %s", *result.Status)
		}
		installed := int32(0)
		for _, patch := range result.Patches {
			if *patch.InstallationState == armcompute.PatchInstallationStateInstalled {
				installed++
			}
			if patch.KbID == nil {
				return fmt.Errorf("Windows patch %s without kbId", *patch.Name)
			}
		}
		if installed == 0 || installed != *result.InstalledPatchCount {
			return fmt.Errorf("installedPatchCount %d, %d installed in the list", *result.InstalledPatchCount, installed)
		}
		installID = *result.InstallationActivityID
		return nil
	})

	check("BeginInstallPatches on Linux (package masks)", func() error {
		poller, err := vms.BeginInstallPatches(ctx, group, linuxVM, armcompute.VirtualMachineInstallPatchesParameters{
			MaximumDuration: to.Ptr("PT2H"),
			RebootSetting:   to.Ptr(armcompute.VMGuestPatchRebootSettingIfRequired),
			LinuxParameters: &armcompute.LinuxParameters{
				ClassificationsToInclude: []*armcompute.VMGuestPatchClassificationLinux{
					to.Ptr(armcompute.VMGuestPatchClassificationLinuxCritical), to.Ptr(armcompute.VMGuestPatchClassificationLinuxSecurity),
				},
				PackageNameMasksToExclude: []*string{to.Ptr("vim*")},
			},
		}, nil)
		if err != nil {
			return err
		}
		result, err := poller.PollUntilDone(ctx, poll)
		if err != nil {
			return err
		}
		if *result.Status != armcompute.PatchOperationStatusSucceeded || *result.ExcludedPatchCount == 0 {
			return fmt.Errorf("status %s, %d excluded", *result.Status, *result.ExcludedPatchCount)
		}
		for _, patch := range result.Patches {
			if patch.Version == nil || patch.KbID != nil {
				return fmt.Errorf("Linux patch %s: version %v, kbId %v", *patch.Name, patch.Version, patch.KbID)
			}
		}
		return nil
	})

	check("BeginAssessPatches/PollUntilDone", func() error {
		poller, err := vms.BeginAssessPatches(ctx, group, windowsVM, nil)
		if err != nil {
			return err
		}
		result, err := poller.PollUntilDone(ctx, poll)
		if err != nil {
			return err
		}
		if *result.Status != armcompute.PatchOperationStatusSucceeded {
			return fmt.Errorf("status %s", *result.Status)
		}
		if int32(len(result.AvailablePatches)) != *result.CriticalAndSecurityPatchCount+*result.OtherPatchCount {
			return fmt.Errorf("%d patches listed, counts say %d + %d", len(result.AvailablePatches), *result.CriticalAndSecurityPatchCount, *result.OtherPatchCount)
		}
		assessmentID = *result.AssessmentActivityID
		return nil
	})

	check("InstanceView shows the install and the assessment just run", func() error {
		view, err := vms.InstanceView(ctx, group, windowsVM, nil)
		if err != nil {
			return err
		}
		status := view.PatchStatus
		if status == nil || status.LastPatchInstallationSummary == nil || status.AvailablePatchSummary == nil {
			return errors.New("no patchStatus")
		}
		if got := *status.LastPatchInstallationSummary.InstallationActivityID; got != installID {
			return fmt.Errorf("last install %s, expected %s", got, installID)
		}
		if got := *status.AvailablePatchSummary.AssessmentActivityID; got != assessmentID {
			return fmt.Errorf("last assessment %s, expected %s", got, assessmentID)
		}
		return nil
	})

	check("an invalid KB number is an azcore.ResponseError 400 InvalidParameter", func() error {
		_, err := vms.BeginInstallPatches(ctx, group, windowsVM, armcompute.VirtualMachineInstallPatchesParameters{
			MaximumDuration:   to.Ptr("PT4H"),
			RebootSetting:     to.Ptr(armcompute.VMGuestPatchRebootSettingNever),
			WindowsParameters: &armcompute.WindowsParameters{KbNumbersToInclude: []*string{to.Ptr("1111")}},
		}, nil)
		var responseError *azcore.ResponseError
		if !errors.As(err, &responseError) {
			return fmt.Errorf("expected a ResponseError, got %v", err)
		}
		if responseError.StatusCode != 400 || responseError.ErrorCode != "InvalidParameter" ||
			!strings.Contains(responseError.Error(), "The entry in 'kbNumbersToInclude' with value '1111' is not valid") {
			return fmt.Errorf("got %d %s: %s", responseError.StatusCode, responseError.ErrorCode, responseError.Error())
		}
		return nil
	})

	check("NewListPager(resource group)", func() error {
		var names []string
		pager := vms.NewListPager(group, nil)
		for pager.More() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, vm := range page.Value {
				names = append(names, *vm.Name)
			}
		}
		sort.Strings(names)
		if strings.Join(names, ",") != linuxVM+","+windowsVM {
			return fmt.Errorf("listed %v", names)
		}
		return nil
	})

	check("ManagedIdentityCredential (IDENTITY_ENDPOINT) + BeginAssessPatches", func() error {
		identity, err := azidentity.NewManagedIdentityCredential(&azidentity.ManagedIdentityCredentialOptions{ClientOptions: clientOptions})
		if err != nil {
			return err
		}
		client, err := armcompute.NewVirtualMachinesClient(subscription, identity, &arm.ClientOptions{ClientOptions: clientOptions})
		if err != nil {
			return err
		}
		poller, err := client.BeginAssessPatches(ctx, group, linuxVM, nil)
		if err != nil {
			return err
		}
		result, err := poller.PollUntilDone(ctx, poll)
		if err != nil {
			return err
		}
		if *result.Status != armcompute.PatchOperationStatusSucceeded {
			return fmt.Errorf("status %s", *result.Status)
		}
		return nil
	})

	if failures > 0 {
		os.Exit(1)
	}
}
