@{
    RootModule           = 'module/bin/NmrInversion.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5d0f6a3e-8a3b-4c1f-9f55-2a7c1e4b9d21'
    Author               = 'NmrInversion contributors'
    CompanyName          = 'NmrInversion'
    Copyright            = '(c) NmrInversion contributors. MIT licence.'
    Description          = 'Inversion of 2D NMR relaxation and diffusion signals (T1-T2, T1-D, D-T2, T2-T2) into distributions: a trained U-Net (deep-learning inversion), Tikhonov with GCV and MTGV with automatic hyperparameter search, the forward model, and the chi metric.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    HelpInfoUri          = 'https://github.com/nmrinversion/NmrInversion/tree/main/docs/en-US'
    FormatsToProcess     = @('module/NmrInversion.Format.ps1xml')
    CmdletsToExport      = @(
        'New-NmrDistribution'
        'New-NmrSignal'
        'Measure-NmrChi'
        'Get-NmrDevice'
        'Export-NmrPlot'
        'Import-NmrSignal'
        'Export-NmrSignal'
        'Export-NmrDistribution'
        'Get-NmrPeak'
        'Invoke-NmrTikhonov'
        'Invoke-NmrUnetInversion'
        'Start-NmrTraining'
        'Invoke-NmrMtgv'
        'Measure-NmrDistribution'
        'Export-NmrReport'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('NMR', 'relaxometry', 'inversion', 'Laplace', 'deep-learning', 'UNet', 'Tikhonov', 'MTGV', 'T1T2')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/nmrinversion/NmrInversion'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
