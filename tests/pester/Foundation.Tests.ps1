BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    function Get-ErrorRecord([scriptblock] $Script) {
        try { & $Script; return $null } catch { return $_ }
    }
}

Describe 'Module' {
    It 'exports exactly the listed cmdlets' {
        $manifest = Import-PowerShellDataFile "$PSScriptRoot/../../NmrInversion.psd1"
        $exported = (Get-Command -Module NmrInversion).Name | Sort-Object
        $exported | Should -Be ($manifest.CmdletsToExport | Sort-Object)
    }
}

Describe 'New-NmrDistribution' {
    It 'creates preset <_> on the paper grid with unit sum' -ForEach 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H' {
        $d = New-NmrDistribution -Preset $_
        $d.Name | Should -Be $_
        $d.Size | Should -Be '64x64'
        $d.Sum | Should -BeGreaterThan 0.999999999
        $d.Sum | Should -BeLessThan 1.000000001
        $d.Axis1.Minimum | Should -Be 1e-3
        $d.Axis2.Maximum | Should -Be 1
    }

    It 'takes several presets and pipeline input' {
        ('A', 'H' | New-NmrDistribution).Name | Should -Be @('A', 'H')
        (New-NmrDistribution -Preset A, H).Count | Should -Be 2
    }

    It 'builds a custom lognormal map whose peak sits at its log mean' {
        $d = New-NmrDistribution -Component @(-1, 0.1, -2, 0.1, 1) -Points 41
        $p = $d.Peak()
        [math]::Abs([math]::Log10($p.Value1) + 1) | Should -BeLessThan 1e-12
        [math]::Abs([math]::Log10($p.Value2) + 2) | Should -BeLessThan 1e-12
    }

    It 'draws reproducible random maps' {
        $a = New-NmrDistribution -Random -Count 3 -Seed 5
        $b = New-NmrDistribution -Random -Count 3 -Seed 5
        $a.Count | Should -Be 3
        $a[2].Values[20, 30] | Should -Be $b[2].Values[20, 30]
        ($a[0].Components.Count -ge 1 -and $a[0].Components.Count -le 5) | Should -BeTrue
    }

    It 'refuses an unknown preset with PresetUnknown / InvalidArgument' {
        $e = Get-ErrorRecord { New-NmrDistribution -Preset Z }
        $e.FullyQualifiedErrorId | Should -BeLike 'PresetUnknown,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.Exception.Message | Should -Match 'A, B, C'
    }

    It 'refuses a component with <Case>' -ForEach @(
        @{ Case = 'four numbers'; Component = @(, @(-1, 0.1, -2, 0.1)); Id = 'ComponentShapeInvalid' }
        @{ Case = 'NaN'; Component = @(, @(-1, [double]::NaN, -2, 0.1, 1)); Id = 'ComponentNotFinite' }
        @{ Case = 'zero width'; Component = @(, @(-1, 0, -2, 0.1, 1)); Id = 'ComponentWidthInvalid' }
    ) {
        $e = Get-ErrorRecord { New-NmrDistribution -Component $Component }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses a <Case> axis with <Id> / InvalidData' -ForEach @(
        @{ Case = 'non-increasing'; Axis = @(0.1, 0.05, 1); Id = 'AxisNotIncreasing' }
        @{ Case = 'duplicated'; Axis = @(0.1, 0.1, 1); Id = 'AxisNotIncreasing' }
        @{ Case = 'negative'; Axis = @(-0.1, 0.5, 1); Id = 'AxisNotPositive' }
        @{ Case = 'zero'; Axis = @(0, 0.5, 1); Id = 'AxisNotPositive' }
        @{ Case = 'NaN'; Axis = @(0.1, [double]::NaN, 1); Id = 'AxisNotFinite' }
        @{ Case = 'infinite'; Axis = @(0.1, [double]::PositiveInfinity); Id = 'AxisNotFinite' }
    ) {
        $e = Get-ErrorRecord { New-NmrDistribution -Preset A -Axis1 $Axis }
        $e.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
    }
}

Describe 'New-NmrSignal' {
    BeforeAll {
        $signals = New-NmrDistribution -Preset A, H | New-NmrSignal -Snr 20, 200, 2000 -Seed 1
    }

    It 'makes one signal per distribution and SNR' {
        $signals.Count | Should -Be 6
        ($signals | ForEach-Object Snr) | Should -Be @(20, 200, 2000, 20, 200, 2000)
        ($signals | ForEach-Object Name) | Should -Be @('A', 'A', 'A', 'H', 'H', 'H')
    }

    It 'sets the noise from the SNR definition max|S| / sigma' {
        foreach ($s in $signals) {
            $clean = $s.Truth | New-NmrSignal
            ($clean.MaxAbs / $s.NoiseSigma) | Should -BeGreaterThan ($s.Snr * 0.999999)
            ($clean.MaxAbs / $s.NoiseSigma) | Should -BeLessThan ($s.Snr * 1.000001)
        }
    }

    It 'is reproducible with -Seed and differs without' {
        $again = New-NmrDistribution -Preset A, H | New-NmrSignal -Snr 20, 200, 2000 -Seed 1
        $again[4].Values[10, 10] | Should -Be $signals[4].Values[10, 10]
        $other = New-NmrDistribution -Preset A, H | New-NmrSignal -Snr 20, 200, 2000 -Seed 2
        $other[4].Values[10, 10] | Should -Not -Be $signals[4].Values[10, 10]
    }

    It 'carries the truth, kernels and axes' {
        $signals[0].Truth.Name | Should -Be 'A'
        $signals[0].Experiment | Should -Be 'T1T2'
        $signals[0].Kernels.Kernel1 | Should -Be 'InversionRecovery'
        $signals[0].Axis1.Count | Should -Be 64
        $signals[0].Axis2.Maximum | Should -Be 1
    }

    It 'formats one readable line per signal' {
        $text = $signals | Format-Table | Out-String -Width 200
        $lines = $text -split "`n" | Where-Object { $_ -match '^\s*[AH]\s+T1T2' }
        $lines.Count | Should -Be 6
        $text | Should -Match 'Snr'
    }

    It 'simulates saturation recovery and custom acquisition axes' {
        $s = New-NmrDistribution -Preset C | New-NmrSignal -T1Recovery Saturation -AcquisitionAxis1 @(0.001, 0.01, 0.1, 1) -AcquisitionAxis2 @(0.001, 0.002, 0.004)
        $s.Size | Should -Be '4x3'
        $s.Values[0, 0] | Should -BeGreaterThan 0
    }

    It 'simulates a 1D T2 decay' {
        $d = New-NmrDistribution -Experiment T2 -Component @(-2, 0.1, 0, 0.1, 1)
        $s = $d | New-NmrSignal -Snr 100 -Seed 3
        $s.Dimensions | Should -Be 1
        $s.Experiment | Should -Be 'T2'
        $s.Size | Should -Be '64'
    }

    It 'refuses SNR <Snr> with SnrInvalid / InvalidArgument' -ForEach @(@{ Snr = 0 }, @{ Snr = -1 }, @{ Snr = [double]::NaN }) {
        $e = Get-ErrorRecord { New-NmrDistribution -Preset A | New-NmrSignal -Snr $Snr }
        $e.FullyQualifiedErrorId | Should -BeLike 'SnrInvalid,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'refuses a non-increasing acquisition axis' {
        $e = Get-ErrorRecord { New-NmrDistribution -Preset A | New-NmrSignal -AcquisitionAxis2 @(0.3, 0.2, 0.1) }
        $e.FullyQualifiedErrorId | Should -BeLike 'AxisNotIncreasing,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'refuses an experiment whose kernels do not fit the axes' {
        $e = Get-ErrorRecord { New-NmrDistribution -Preset A | New-NmrSignal -Experiment DT2 }
        $e.FullyQualifiedErrorId | Should -BeLike 'AxisKernelMismatch,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
    }
}

Describe 'Measure-NmrChi' {
    It 'gives 0 for identical maps' {
        $signals = New-NmrDistribution -Preset A, H | New-NmrSignal -Snr 20, 200, 2000 -Seed 1
        $r = Measure-NmrChi -Reference $signals[0].Truth -Reconstruction $signals[0].Truth
        $r.Chi2D | Should -Be 0
        $r.ChiT1 | Should -Be 0
        $r.ChiT2 | Should -Be 0
    }

    It 'scores preset B against preset A positively, larger in 2D than for a closer preset' {
        $a = New-NmrDistribution -Preset A
        $ab = Measure-NmrChi -Reference $a -Reconstruction (New-NmrDistribution -Preset B)
        $ag = Measure-NmrChi -Reference $a -Reconstruction (New-NmrDistribution -Preset G)
        $ab.Chi2D | Should -BeGreaterThan 0
        $ag.Chi2D | Should -BeGreaterThan $ab.Chi2D
    }

    It 'needs a reference for plain distributions' {
        $e = Get-ErrorRecord { New-NmrDistribution -Preset A | Measure-NmrChi -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ReferenceMissing,*'
    }

    It 'refuses maps on different grids' {
        $e = Get-ErrorRecord { Measure-NmrChi -Reference (New-NmrDistribution -Preset A) -Reconstruction (New-NmrDistribution -Preset A -Points 32) -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ChiGridMismatch,*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
    }
}

Describe 'Get-NmrDevice' {
    It 'loads libtorch inside the module and reports it' {
        $d = Get-NmrDevice
        $d.TorchVersion | Should -Match '^2\.10'
        $d.Threads | Should -BeGreaterThan 0
        $d.CudaAvailable | Should -BeFalse
        Test-Path (Join-Path $d.NativeDirectory 'libLibTorchSharp.so') | Should -BeTrue
        # The instruction-set cap of libtorch's convolutions in effect: the module's (AMD family 26 and later), the user's, or none.
        $d.CpuInstructionCap | Should -Be $env:DNNL_MAX_CPU_ISA
    }
}
